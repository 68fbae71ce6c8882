package io.hyphae.node.bid;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.contracts.market.ProviderInfo;
import io.hyphae.contracts.market.SignedBid;
import io.hyphae.node.chain.ChainAccess;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.job.JobData;
import io.hyphae.node.journal.JobJournal;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobState;
import io.hyphae.protocol.job.BidMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests for quotes ({@code /hyphae/bid/1.0.0}): checks the job on chain (posted, still
 * open, asked for by its requester), the shard range, the model and profile, the price, the node's
 * capacity (shards owed plus shards of outstanding bids within {@code max-concurrent-shards}), its
 * free stake (the bid's collateral, plus that of outstanding bids) and that the commit deadline
 * leaves time to work; then signs an EIP-712 bid and records the job as BID in the journal. Every
 * refusal says why. Blocking (chain reads, journal): run it on the bidder's executor.
 */
public final class Bidder {

  /** How long a bid stays valid (the contract checks it at assignment). */
  public static final Duration BID_VALIDITY = Duration.ofMinutes(10);

  /** A job whose commit deadline is closer than this is refused: no time to fetch, run, commit. */
  public static final Duration MIN_TIME_TO_COMMIT = Duration.ofSeconds(60);

  static final int MAX_OUTSTANDING_BIDS = 1024;
  private static final Duration JOURNAL_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(Bidder.class);

  private record Outstanding(int shards, BigInteger collateral, long expiry) {}

  private final ChainAccess chain;
  private final JobJournal journal;
  private final long chainId;
  private final String marketAddress;
  private final Capabilities capabilities;
  private final BigInteger pricePerShard;
  private final int maxConcurrentShards;
  private final IntSupplier shardsOwed;
  private final Map<String, Outstanding> outstanding = new LinkedHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /**
   * @param shardsOwed shards of assigned jobs not yet run (from the job engine)
   */
  public Bidder(
      ChainAccess chain,
      JobJournal journal,
      long chainId,
      String marketAddress,
      Capabilities capabilities,
      BigInteger pricePerShard,
      int maxConcurrentShards,
      IntSupplier shardsOwed) {
    this.chain = chain;
    this.journal = journal;
    this.chainId = chainId;
    this.marketAddress = marketAddress;
    this.capabilities = capabilities;
    this.pricePerShard = pricePerShard;
    this.maxConcurrentShards = maxConcurrentShards;
    this.shardsOwed = shardsOwed;
  }

  public long bidsSent() {
    return sent.get();
  }

  public long bidsRefused() {
    return refused.get();
  }

  /** A refusal to answer with. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final Code code;

    Refused(Code code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** The reply to a request for quote from {@code from}. Never throws. */
  public JobProto.BidReply quote(PeerId from, JobProto.BidRequest request) {
    try {
      BidMessage bid = offer(from, request);
      sent.incrementAndGet();
      LOG.info(
          "bid on job {} shards {}+{} replica {} at {} wei/shard for {}",
          bid.jobId(),
          bid.firstShard(),
          bid.shardCount(),
          bid.replica(),
          bid.pricePerShard(),
          from);
      return JobProto.BidReply.newBuilder().setOffer(bid.toProto()).build();
    } catch (Refused r) {
      refused.incrementAndGet();
      LOG.debug("peer={} bid refused ({}): {}", from, r.code, r.getMessage());
      return refusal(r.code, r.getMessage());
    } catch (ChainException e) {
      refused.incrementAndGet();
      chain.failed(e.getMessage());
      return refusal(Code.BUSY, "the provider cannot read the chain now: " + e.getMessage());
    } catch (RuntimeException e) {
      refused.incrementAndGet();
      LOG.warn("answering a bid request from {} failed", from, e);
      return refusal(Code.BUSY, "the provider failed to answer: " + e.getMessage());
    }
  }

  private static JobProto.BidReply refusal(Code code, String message) {
    return JobProto.BidReply.newBuilder().setRefusal(WireValues.refusal(code, message)).build();
  }

  private BidMessage offer(PeerId from, JobProto.BidRequest request) throws Refused {
    BigInteger jobId;
    try {
      jobId = WireValues.uint256(request.getJobId(), "job_id");
    } catch (WireValues.WireFormatException e) {
      throw new Refused(Code.INVALID, e.getMessage());
    }
    int first = request.getFirstShard();
    int count = request.getShardCount();
    int replica = request.getReplica();
    if (first < 0 || count <= 0 || replica < 0) {
      throw new Refused(Code.INVALID, "shard range and replica must be positive, shard_count > 0");
    }
    Market market = chain.market();
    JobData.Posted posted = openJob(market, jobId);
    JobSpec spec = posted.spec();
    if (!Arrays.equals(spec.requesterPeerId(), from.toBytes())) {
      throw new Refused(
          Code.FORBIDDEN, "only the job's requester (spec.requesterPeerId) may ask for bids");
    }
    if ((long) first + count > spec.shardCount()) {
      throw new Refused(
          Code.INVALID,
          "shards "
              + first
              + ".."
              + (first + count - 1)
              + " are outside the job's "
              + spec.shardCount()
              + " shards");
    }
    if (replica >= spec.redundancy()) {
      throw new Refused(
          Code.INVALID, "replica " + replica + " but the job has redundancy " + spec.redundancy());
    }
    if (!capabilities.serves(Capabilities.of(spec.modelHash()))) {
      throw new Refused(
          Code.UNKNOWN,
          "this provider does not serve model "
              + spec.modelHash()
              + " (it serves "
              + capabilities.models().values()
              + ")");
    }
    if (capabilities.profile(Capabilities.of(spec.profileHash())).isEmpty()) {
      throw new Refused(
          Code.UNKNOWN, "this provider cannot run execution profile " + spec.profileHash());
    }
    if (pricePerShard.compareTo(spec.maxPricePerShard()) > 0) {
      throw new Refused(
          Code.INVALID,
          "this provider's price "
              + pricePerShard
              + " wei/shard is above the job's maximum "
              + spec.maxPricePerShard());
    }
    long now = market.now();
    if (spec.commitDeadline() - now < MIN_TIME_TO_COMMIT.toSeconds()) {
      throw new Refused(
          Code.INVALID,
          "the commit deadline is "
              + (spec.commitDeadline() - now)
              + " s away; this provider needs "
              + MIN_TIME_TO_COMMIT.toSeconds()
              + " s at least");
    }
    BigInteger collateral = pricePerShard.multiply(BigInteger.valueOf(count));
    ProviderInfo me = market.provider(market.account());
    if (!me.registered()) {
      throw new Refused(Code.BUSY, "this provider is not registered on the market");
    }
    String slot = jobId + "/" + replica + "/" + first;
    Bid bid;
    synchronized (outstanding) {
      prune(now);
      Outstanding previous = outstanding.get(slot);
      int bidShards = 0;
      BigInteger bidCollateral = BigInteger.ZERO;
      for (Map.Entry<String, Outstanding> e : outstanding.entrySet()) {
        if (!e.getKey().equals(slot)) {
          bidShards += e.getValue().shards();
          bidCollateral = bidCollateral.add(e.getValue().collateral());
        }
      }
      int owed = shardsOwed.getAsInt();
      if (owed + bidShards + count > maxConcurrentShards) {
        throw new Refused(
            Code.BUSY,
            "no capacity: "
                + owed
                + " shards owed and "
                + bidShards
                + " in outstanding bids; max-concurrent-shards is "
                + maxConcurrentShards);
      }
      BigInteger needed = collateral.add(bidCollateral);
      if (me.freeStake().compareTo(needed) < 0) {
        throw new Refused(
            Code.BUSY,
            "free stake "
                + me.freeStake()
                + " wei does not cover the collateral "
                + needed
                + " wei (this bid's and outstanding bids')");
      }
      if (outstanding.size() >= MAX_OUTSTANDING_BIDS && previous == null) {
        throw new Refused(Code.BUSY, "too many outstanding bids");
      }
      long expiry = now + BID_VALIDITY.toSeconds();
      bid =
          new Bid(
              jobId, market.account(), first, count, replica, pricePerShard, collateral, expiry);
      outstanding.put(slot, new Outstanding(count, collateral, expiry));
    }
    record(jobId, posted);
    SignedBid signed = market.signBid(bid);
    return new BidMessage(
        bid.jobId(),
        bid.provider(),
        bid.firstShard(),
        bid.shardCount(),
        bid.replica(),
        bid.pricePerShard(),
        bid.collateral(),
        bid.expiry(),
        signed.signature());
  }

  /** The job as posted, if it is still open for bids. */
  private static JobData.Posted openJob(Market market, BigInteger jobId) throws Refused {
    List<MarketEvent> events = market.events(jobId);
    Optional<MarketEvent.JobPosted> posted =
        events.stream()
            .filter(MarketEvent.JobPosted.class::isInstance)
            .map(MarketEvent.JobPosted.class::cast)
            .findFirst();
    if (posted.isEmpty()) {
      throw new Refused(Code.UNKNOWN, "job " + jobId + " is not posted on the market");
    }
    for (MarketEvent e : events) {
      if (e instanceof MarketEvent.JobAssigned || e instanceof MarketEvent.JobCancelled) {
        throw new Refused(
            Code.INVALID,
            "job " + jobId + " is no longer open (" + e.getClass().getSimpleName() + ")");
      }
    }
    return new JobData.Posted(posted.get().requester(), posted.get().spec());
  }

  private void record(BigInteger jobId, JobData.Posted posted) throws Refused {
    JobKey key = new JobKey(chainId, marketAddress, jobId);
    try {
      journal
          .upsert(key, JobState.BID, List.of(), Map.of(JobData.SPEC, JobData.encode(posted)))
          .get(JOURNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(Code.BUSY, "interrupted");
    } catch (Exception e) {
      throw new Refused(Code.BUSY, "the provider's journal refused the bid: " + e.getMessage());
    }
  }

  /** Drops expired bids. */
  private void prune(long now) {
    for (Iterator<Outstanding> it = outstanding.values().iterator(); it.hasNext(); ) {
      if (it.next().expiry() < now) {
        it.remove();
      }
    }
  }

  /** The job was assigned or cancelled: its outstanding bids no longer hold capacity or stake. */
  public void settled(BigInteger jobId) {
    String prefix = jobId + "/";
    synchronized (outstanding) {
      outstanding.keySet().removeIf(k -> k.startsWith(prefix));
    }
  }

  /** Shards in outstanding bids, for status. */
  public int outstandingShards() {
    synchronized (outstanding) {
      return outstanding.values().stream().mapToInt(Outstanding::shards).sum();
    }
  }
}
