package io.hyphae.node.bid;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.Bytes32;
import io.hyphae.contracts.market.InMemoryMarket;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.SignedBid;
import io.hyphae.node.chain.ChainAccess;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.journal.InMemoryJobJournal;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobRecord;
import io.hyphae.node.journal.JobState;
import io.hyphae.node.p2p.NodeIdentity;
import io.hyphae.protocol.job.BidMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

class BidderTest {

  private static final String MARKET = "0x00000000000000000000000000000000000a11ce";
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = BigInteger.TEN.pow(15);
  private static final io.hyphae.protocol.commitment.Bytes32 MODEL =
      io.hyphae.protocol.commitment.Bytes32.fromHex("0x" + "11".repeat(32));

  private final DevnetAccounts accounts = new DevnetAccounts();
  private final InMemoryMarket.Ledger ledger =
      new InMemoryMarket.Ledger(ETHER, ETHER, Duration.ofMinutes(10), 1_700_000_000L);
  private final Credentials requesterKey = accounts.account(9);
  private final Market requester = ledger.as(requesterKey);
  private final PeerId requesterPeer = NodeIdentity.of(requesterKey).peerId();
  private final Market provider = ledger.as(accounts.account(1));
  private final InMemoryJobJournal journal = new InMemoryJobJournal(Clock.systemUTC());
  private final AtomicInteger owed = new AtomicInteger();
  private final Bidder bidder =
      new Bidder(
          new ChainAccess(() -> provider),
          journal,
          31337,
          MARKET,
          new Capabilities(Map.of(MODEL, "model"), List.of(ExecutionProfile.CPU_DET_V1)),
          PRICE,
          4,
          owed::get);
  private long salt;

  BidderTest() {
    provider.register(NodeIdentity.of(accounts.account(1)).peerId().toBytes(), ETHER);
  }

  private JobSpec spec(io.hyphae.protocol.commitment.Bytes32 model, BigInteger max, long deadline) {
    return new JobSpec(
        Capabilities.toMarket(model),
        Capabilities.toMarket(ExecutionProfile.CPU_DET_V1.hash()),
        Bytes32.of(
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
              25, 26, 27, 28, 29, 30, 31, 32
            }),
        4,
        1,
        max,
        requester.now() + deadline,
        60,
        ++salt,
        requesterPeer.toBytes());
  }

  private JobSpec spec() {
    return spec(MODEL, PRICE, 3600);
  }

  private static JobProto.BidRequest request(BigInteger jobId, int first, int count) {
    return JobProto.BidRequest.newBuilder()
        .setJobId(WireValues.uint256(jobId))
        .setFirstShard(first)
        .setShardCount(count)
        .build();
  }

  private JobProto.Refusal refused(JobProto.BidReply reply, Code code) {
    assertThat(reply.hasRefusal()).as(reply.toString()).isTrue();
    assertThat(reply.getRefusal().getCode()).isEqualTo(code);
    return reply.getRefusal();
  }

  @Test
  void signsABidTheMarketAcceptsAndJournalsTheJobAsBid() throws Exception {
    JobSpec spec = spec();
    BigInteger jobId = requester.postJob(spec);

    JobProto.BidReply reply = bidder.quote(requesterPeer, request(jobId, 0, 4));

    assertThat(reply.hasOffer()).as(reply.toString()).isTrue();
    BidMessage offer = BidMessage.fromProto(reply.getOffer());
    assertThat(offer.provider()).isEqualTo(provider.account());
    assertThat(offer.pricePerShard()).isEqualTo(PRICE);
    assertThat(offer.collateral()).isEqualTo(PRICE.multiply(BigInteger.valueOf(4)));
    assertThat(offer.expiry()).isEqualTo(requester.now() + Bidder.BID_VALIDITY.toSeconds());
    Bid bid =
        new Bid(
            offer.jobId(),
            offer.provider(),
            offer.firstShard(),
            offer.shardCount(),
            offer.replica(),
            offer.pricePerShard(),
            offer.collateral(),
            offer.expiry());
    // The market checks the signature and locks the collateral.
    List<Assignment> assigned =
        requester.assign(spec, List.of(new SignedBid(bid, offer.signature())));
    assertThat(assigned)
        .singleElement()
        .extracting(Assignment::provider)
        .isEqualTo(provider.account());
    JobRecord job =
        journal.find(new JobKey(31337, MARKET, jobId)).get(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.BID);
    assertThat(bidder.bidsSent()).isEqualTo(1);
    assertThat(bidder.outstandingShards()).isEqualTo(4);
    bidder.settled(jobId);
    assertThat(bidder.outstandingShards()).isZero();
  }

  @Test
  void refusesWithAReasonForEachCheck() {
    BigInteger open = requester.postJob(spec());
    assertThat(
            refused(bidder.quote(requesterPeer, request(BigInteger.TEN, 0, 1)), Code.UNKNOWN)
                .getMessage())
        .contains("not posted");
    PeerId stranger = NodeIdentity.of(accounts.account(5)).peerId();
    refused(bidder.quote(stranger, request(open, 0, 1)), Code.FORBIDDEN);
    assertThat(refused(bidder.quote(requesterPeer, request(open, 3, 2)), Code.INVALID).getMessage())
        .contains("outside the job's 4 shards");

    BigInteger otherModel =
        requester.postJob(
            spec(
                io.hyphae.protocol.commitment.Bytes32.fromHex("0x" + "22".repeat(32)),
                PRICE,
                3600));
    assertThat(
            refused(bidder.quote(requesterPeer, request(otherModel, 0, 1)), Code.UNKNOWN)
                .getMessage())
        .contains("does not serve model");
    BigInteger cheap = requester.postJob(spec(MODEL, PRICE.subtract(BigInteger.ONE), 3600));
    assertThat(
            refused(bidder.quote(requesterPeer, request(cheap, 0, 1)), Code.INVALID).getMessage())
        .contains("above the job's maximum");
    BigInteger rushed = requester.postJob(spec(MODEL, PRICE, 30));
    assertThat(
            refused(bidder.quote(requesterPeer, request(rushed, 0, 1)), Code.INVALID).getMessage())
        .contains("commit deadline");

    owed.set(3);
    assertThat(refused(bidder.quote(requesterPeer, request(open, 0, 2)), Code.BUSY).getMessage())
        .contains("no capacity");
    owed.set(0);
    assertThat(bidder.bidsSent()).isZero();
    assertThat(bidder.bidsRefused()).isEqualTo(7);
  }

  @Test
  void outstandingBidsCountAgainstCapacityAndStake() {
    BigInteger a = requester.postJob(spec());
    BigInteger b = requester.postJob(spec());
    assertThat(bidder.quote(requesterPeer, request(a, 0, 3)).hasOffer()).isTrue();
    // Asking again for the same range replaces the bid rather than adding to it.
    assertThat(bidder.quote(requesterPeer, request(a, 0, 3)).hasOffer()).isTrue();
    refused(bidder.quote(requesterPeer, request(b, 0, 2)), Code.BUSY);
    bidder.settled(a);
    assertThat(bidder.quote(requesterPeer, request(b, 0, 2)).hasOffer()).isTrue();
  }

  @Test
  void refusesWhenFreeStakeCannotCoverTheCollateral() {
    Bidder greedy =
        new Bidder(
            new ChainAccess(() -> provider),
            journal,
            31337,
            MARKET,
            new Capabilities(Map.of(MODEL, "model"), List.of(ExecutionProfile.CPU_DET_V1)),
            ETHER,
            100,
            () -> 0);
    BigInteger job = requester.postJob(spec(MODEL, ETHER, 3600));
    assertThat(refused(greedy.quote(requesterPeer, request(job, 0, 2)), Code.BUSY).getMessage())
        .contains("free stake");
  }

  @Test
  void refusesAJobThatIsNoLongerOpen() {
    JobSpec spec = spec();
    BigInteger jobId = requester.postJob(spec);
    requester.cancelJob(spec);
    assertThat(
            refused(bidder.quote(requesterPeer, request(jobId, 0, 1)), Code.INVALID).getMessage())
        .contains("no longer open");
  }
}
