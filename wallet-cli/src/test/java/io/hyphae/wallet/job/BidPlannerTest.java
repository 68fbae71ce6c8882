package io.hyphae.wallet.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class BidPlannerTest {

  private static final BigInteger JOB = BigInteger.valueOf(77);
  private static final BigInteger MAX = BigInteger.valueOf(1000);
  private static final ProviderRef P1 = JobKeys.provider(1);
  private static final ProviderRef P2 = JobKeys.provider(2);
  private static final ProviderRef P3 = JobKeys.provider(3);

  /** Providers that sign honestly, except those told to refuse or misbehave. */
  private static final class Providers implements QuoteSource {
    final Set<ProviderRef> refusing = ConcurrentHashMap.newKeySet();
    final Map<ProviderRef, Integer> signedBy = new ConcurrentHashMap<>();
    final Map<ProviderRef, BigInteger> price = new ConcurrentHashMap<>();
    final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Quote> quote(
        ProviderRef p, BigInteger jobId, ShardRange range, int replica) {
      asked.add(p.name() + " " + range + " r" + replica);
      if (refusing.contains(p)) {
        return CompletableFuture.completedFuture(new Quote.Refused("no capacity"));
      }
      int self = Integer.parseInt(p.name().substring(1));
      return CompletableFuture.completedFuture(
          new Quote.Offer(
              JobKeys.bid(
                  self,
                  signedBy.getOrDefault(p, self),
                  jobId,
                  range,
                  replica,
                  price.getOrDefault(p, BigInteger.valueOf(500)))));
    }
  }

  private static BidPlanner.Outcome collect(
      Providers source, int shards, int redundancy, List<ProviderRef> ps)
      throws InterruptedException {
    return new BidPlanner(source, new BidCheck(JobKeys.EIP712, MAX), Clock.systemUTC())
        .collect(JOB, shards, redundancy, ps, Instant.now().plusSeconds(5), 1_000_000_000L);
  }

  @Test
  void splitsShardsEvenlyOverProvidersAndSortsBids() throws Exception {
    BidPlanner.Outcome o = collect(new Providers(), 5, 1, List.of(P1, P2));
    assertThat(o.complete()).isTrue();
    assertThat(o.bids())
        .extracting(b -> b.bid().firstShard() + "+" + b.bid().shardCount())
        .containsExactly("0+3", "3+2");
    assertThat(o.bids().get(0).bid().provider()).isEqualTo(P1.account());
  }

  @Test
  void asksTheProvidersThatAcceptedForRangesOthersRefused() throws Exception {
    Providers source = new Providers();
    source.refusing.add(P2);
    BidPlanner.Outcome o = collect(source, 6, 1, List.of(P1, P2, P3));
    assertThat(o.complete()).isTrue();
    assertThat(o.bids())
        .extracting(
            b -> b.bid().provider() + " " + b.bid().firstShard() + "+" + b.bid().shardCount())
        .containsExactly(P1.account() + " 0+3", P3.account() + " 3+3");
    assertThat(o.refusals()).singleElement().asString().contains("no capacity");
  }

  @Test
  void rotatesProvidersPerReplicaAndOrdersByReplicaThenShard() throws Exception {
    BidPlanner.Outcome o = collect(new Providers(), 2, 2, List.of(P1, P2));
    assertThat(o.bids())
        .extracting(b -> b.bid().replica() + ":" + b.bid().firstShard() + ":" + b.bid().provider())
        .containsExactly(
            "0:0:" + P1.account(),
            "0:1:" + P2.account(),
            "1:0:" + P2.account(),
            "1:1:" + P1.account());
  }

  @Test
  void reportsNoBidsWhenEveryoneRefuses() throws Exception {
    Providers source = new Providers();
    source.refusing.addAll(List.of(P1, P2));
    BidPlanner.Outcome o = collect(source, 2, 1, List.of(P1, P2));
    assertThat(o.complete()).isFalse();
    assertThat(o.bids()).isEmpty();
    assertThat(o.uncovered()).containsExactly(0);
  }

  @Test
  void rejectsABidSignedByAnotherKeyOrPricedAboveTheMaximum() throws Exception {
    Providers source = new Providers();
    source.signedBy.put(P1, 5);
    source.price.put(P2, BigInteger.valueOf(1001));
    BidPlanner.Outcome o = collect(source, 2, 1, List.of(P1, P2));
    assertThat(o.bids()).isEmpty();
    assertThat(o.refusals())
        .anySatisfy(r -> assertThat(r).contains(P1.account()).contains("signature is by"))
        .anySatisfy(r -> assertThat(r).contains("above the job's maximum"));
  }
}
