package io.hyphae.wallet.job;

import io.hyphae.contracts.market.SignedBid;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Collects one bid per provider per replica, covering every shard (docs/market-protocol.md "Why the
 * requester asks for quotes"): each replica is split evenly over the candidate providers (rotated
 * per replica so that a provider does not hold the same shards twice); when some refuse, the
 * replica is split again over the providers that accepted, until it is covered, nobody accepts, or
 * the bid window closes.
 */
public final class BidPlanner {

  /** What the bid window produced. */
  public record Outcome(List<SignedBid> bids, List<String> refusals, List<Integer> uncovered) {
    public Outcome {
      bids = List.copyOf(bids);
      refusals = List.copyOf(refusals);
      uncovered = List.copyOf(uncovered);
    }

    /** True when every replica is covered. */
    public boolean complete() {
      return uncovered.isEmpty() && !bids.isEmpty();
    }
  }

  /** The order the contract requires: (replica, firstShard). */
  public static final Comparator<SignedBid> CONTRACT_ORDER =
      Comparator.<SignedBid>comparingInt(b -> b.bid().replica())
          .thenComparingInt(b -> b.bid().firstShard());

  private final QuoteSource source;
  private final BidCheck check;
  private final Clock clock;

  public BidPlanner(QuoteSource source, BidCheck check, Clock clock) {
    this.source = source;
    this.check = check;
    this.clock = clock;
  }

  /**
   * Asks {@code providers} for bids until {@code deadline}.
   *
   * @param minExpiry unix seconds every accepted bid must still be valid at
   */
  public Outcome collect(
      BigInteger jobId,
      int shardCount,
      int redundancy,
      List<ProviderRef> providers,
      Instant deadline,
      long minExpiry)
      throws InterruptedException {
    List<SignedBid> bids = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    List<Integer> uncovered = new ArrayList<>();
    for (int replica = 0; replica < redundancy; replica++) {
      List<ProviderRef> candidates = rotate(providers, replica);
      List<SignedBid> covered = List.of();
      while (!candidates.isEmpty()) {
        List<ShardRange> ranges = Sharding.evenRanges(0, shardCount, candidates.size());
        candidates = candidates.subList(0, ranges.size());
        Map<ProviderRef, SignedBid> accepted =
            round(jobId, replica, candidates, ranges, deadline, minExpiry, refusals);
        if (accepted.size() == candidates.size()) {
          covered = List.copyOf(accepted.values());
          break;
        }
        if (accepted.isEmpty() || !clock.instant().isBefore(deadline)) {
          break;
        }
        candidates = List.copyOf(accepted.keySet());
      }
      if (covered.isEmpty()) {
        uncovered.add(replica);
      } else {
        bids.addAll(covered);
      }
    }
    bids.sort(CONTRACT_ORDER);
    return new Outcome(bids, refusals, uncovered);
  }

  private Map<ProviderRef, SignedBid> round(
      BigInteger jobId,
      int replica,
      List<ProviderRef> candidates,
      List<ShardRange> ranges,
      Instant deadline,
      long minExpiry,
      List<String> refusals)
      throws InterruptedException {
    Map<ProviderRef, CompletableFuture<Quote>> asked = new LinkedHashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      asked.put(candidates.get(i), source.quote(candidates.get(i), jobId, ranges.get(i), replica));
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(asked.values().toArray(new CompletableFuture<?>[0]));
    Duration left = Duration.between(clock.instant(), deadline);
    try {
      all.get(Math.max(1, left.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Unanswered quotes count as refusals below; a failed one is already a Refused.
    }
    Map<ProviderRef, SignedBid> accepted = new LinkedHashMap<>();
    int i = 0;
    for (var entry : asked.entrySet()) {
      ProviderRef provider = entry.getKey();
      ShardRange range = ranges.get(i++);
      Quote quote =
          entry
              .getValue()
              .exceptionally(e -> new Quote.Refused(String.valueOf(e.getMessage())))
              .getNow(new Quote.Refused("no answer within the bid window"));
      entry.getValue().cancel(false);
      String prefix = provider + " " + range + " replica " + replica + ": ";
      switch (quote) {
        case Quote.Refused r -> refusals.add(prefix + r.reason());
        case Quote.Offer o -> {
          var problem = check.problem(o.bid(), jobId, provider, range, replica, minExpiry);
          if (problem.isPresent()) {
            refusals.add(prefix + problem.get());
          } else {
            accepted.put(provider, BidCheck.signedBid(o.bid()));
          }
        }
      }
    }
    return accepted;
  }

  private static List<ProviderRef> rotate(List<ProviderRef> providers, int by) {
    List<ProviderRef> out = new ArrayList<>(providers.size());
    for (int i = 0; i < providers.size(); i++) {
      out.add(providers.get((i + by) % providers.size()));
    }
    return out;
  }
}
