package io.hyphae.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.AssignmentHistory;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.BlockEvent;
import io.hyphae.contracts.market.Challenge;
import io.hyphae.contracts.market.InMemoryMarket;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.node.chain.ChainAccess;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.TestModels;
import io.hyphae.node.journal.InMemoryJobJournal;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobRecord;
import io.hyphae.node.journal.JobState;
import io.hyphae.node.p2p.NodeIdentity;
import io.hyphae.node.p2p.P2pService;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.job.ResultMessage;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job engine against the in-memory market, a real inference engine and a requester on an
 * in-process libp2p host: an assignment is run to FINALIZED, replayed events change nothing, a lost
 * bid is forgotten, and a stopped engine's job resumes from the journal.
 */
class JobEngineTest {

  private static final String MARKET = "0x00000000000000000000000000000000000a11ce";
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = BigInteger.TEN.pow(15);

  private static OnnxInferenceEngine inference;

  private final DevnetAccounts accounts = new DevnetAccounts();
  private final InMemoryMarket.Ledger ledger =
      new InMemoryMarket.Ledger(
          ETHER, ETHER, Duration.ofMinutes(10), Instant.now().getEpochSecond());
  private final Market provider = ledger.as(accounts.account(1));
  private final InMemoryJobJournal journal = new InMemoryJobJournal(Clock.systemUTC());
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private P2pService p2p;
  private TestRequester requester;

  @BeforeAll
  static void startInference() {
    inference = new OnnxInferenceEngine(TestModels.registry(), EngineConfig.defaults());
  }

  @AfterAll
  static void stopInference() {
    inference.close();
  }

  JobEngineTest() throws Exception {
    provider.register(NodeIdentity.of(accounts.account(1)).peerId().toBytes(), ETHER);
    p2p = P2pService.start(NodeIdentity.of(accounts.account(1)), "127.0.0.1", 0, List.of());
    toClose.add(p2p);
    requester =
        new TestRequester(accounts.account(9), ledger.as(accounts.account(9)), ledger.eip712());
    toClose.add(requester);
    requester.connect(p2p.listenAddresses().get(0));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private JobEngine engine() {
    JobEngine engine =
        new JobEngine(
            new ChainAccess(() -> provider),
            journal,
            31337,
            MARKET,
            provider.account(),
            new Capabilities(
                Map.of(TestModels.minilm().id(), TestModels.minilm().name()), inference.profiles()),
            inference,
            new Libp2pRequesterLink(p2p),
            Clock.systemUTC(),
            new JobEngine.Timing(
                Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(30)),
            id -> {});
    toClose.add(engine);
    return engine;
  }

  private TestRequester.Job postAndAssign() {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(TestModels.SENTENCES.get(i));
    }
    TestRequester.Job job =
        requester.post(
            rows,
            2,
            Capabilities.toMarket(TestModels.minilm().id()),
            Capabilities.toMarket(ExecutionProfile.CPU_DET_V1.hash()),
            PRICE,
            300,
            1);
    Bid bid =
        new Bid(
            job.jobId,
            provider.account(),
            0,
            2,
            0,
            PRICE,
            PRICE.multiply(BigInteger.TWO),
            provider.now() + 600);
    requester.assign(job, List.of(provider.signBid(bid)));
    return job;
  }

  private void feed(JobEngine engine) throws Exception {
    for (BlockEvent e : provider.eventsBetween(0, provider.latestBlock())) {
      engine.onEvent(e);
    }
  }

  private JobState state(BigInteger jobId) {
    try {
      return journal
          .find(new JobKey(31337, MARKET, jobId))
          .get(5, TimeUnit.SECONDS)
          .map(JobRecord::state)
          .orElse(null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(BooleanSupplier condition) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 60 s").isLessThan(until);
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private void finishWindow(BigInteger jobId) throws Exception {
    waitFor(() -> state(jobId) == JobState.COMMITTED);
    ledger.advance(Duration.ofSeconds(5)); // the fake's clock: past the challenge window
    waitFor(() -> state(jobId) == JobState.FINALIZED);
  }

  @Test
  void runsAnAssignmentToFinalizedAndReplayedEventsChangeNothing() throws Exception {
    JobEngine engine = engine();
    TestRequester.Job job = postAndAssign();
    feed(engine);
    feed(engine); // the watcher may hand events over twice
    assertThat(job.result(0).provider()).isEqualTo(provider.account());
    assertThat(job.result(1).shard()).isEqualTo(1);
    finishWindow(job.jobId);

    assertThat(engine.shardsExecuted()).isEqualTo(2);
    assertThat(engine.jobsByState()).containsEntry(JobState.FINALIZED, 1L);
    assertThat(provider.withdrawable(provider.account())).isEqualTo(PRICE.multiply(BigInteger.TWO));
    assertThat(provider.events(job.jobId).getLast())
        .isInstanceOf(MarketEvent.AssignmentFinalized.class);
    feed(engine);
    assertThat(state(job.jobId)).isEqualTo(JobState.FINALIZED);
    assertThat(requester.rejections).isEmpty();
  }

  @Test
  void aJobStoppedMidWayResumesFromTheJournal() throws Exception {
    requester.serveInputs = false;
    JobEngine first = engine();
    TestRequester.Job job = postAndAssign();
    feed(first);
    waitFor(() -> requester.inputRequests.get() > 0);
    first.close();
    assertThat(state(job.jobId)).isEqualTo(JobState.ASSIGNED);
    assertThat(job.results.get(0)).isNotDone();

    requester.serveInputs = true;
    JobEngine second = engine();
    assertThat(second.resume()).isEqualTo(1);
    assertThat(job.result(0).shard()).isZero();
    finishWindow(job.jobId);
    assertThat(second.shardsExecuted()).isEqualTo(2);
  }

  @Test
  void aBidThatDidNotWinIsForgotten() throws Exception {
    JobEngine engine = engine();
    BigInteger lost = BigInteger.valueOf(77);
    JobKey key = new JobKey(31337, MARKET, lost);
    journal.upsert(key, JobState.BID, List.of()).get(5, TimeUnit.SECONDS);
    engine.onEvent(
        new BlockEvent(1, 0, new MarketEvent.JobAssigned(lost, 1, PRICE, BigInteger.ZERO)));
    assertThat(journal.find(key).get(5, TimeUnit.SECONDS)).isEmpty();
  }

  /**
   * Runs a job to COMMITTED, has the requester challenge shard 0 and accounts 2..4 (the committee)
   * vote {@code upheld}, resolves, and hands the engine the events.
   */
  private TestRequester.Job challengedAndResolved(JobEngine engine, boolean upheld)
      throws Exception {
    for (int i = 2; i <= 4; i++) {
      ledger.as(accounts.account(i)).register(new byte[] {1}, ETHER);
    }
    TestRequester.Job job = postAndAssign();
    feed(engine);
    waitFor(() -> state(job.jobId) == JobState.COMMITTED);
    Map<Long, Bytes32> leaves = new TreeMap<>();
    for (int shard = 0; shard < 2; shard++) {
      ResultMessage r = job.result(shard);
      leaves.put((long) shard, ShardLeaves.resultLeaf(shard, r.inputLeaf(), r.outputHash()));
    }
    MerkleTree tree = ShardLeaves.resultTree(leaves);
    Market requesterMarket = requester.market;
    Assignment committed =
        AssignmentHistory.latest(requesterMarket.events(job.jobId), 0).orElseThrow();
    ResultMessage r0 = job.result(0);
    BigInteger id =
        requesterMarket.challenge(
            committed,
            0,
            Capabilities.toMarket(r0.inputLeaf()),
            Capabilities.toMarket(r0.outputHash()),
            tree.proof(0).stream().map(Capabilities::toMarket).toList());
    feed(engine);
    assertThat(state(job.jobId)).isEqualTo(JobState.CHALLENGED);
    for (int i = 2; i <= 4; i++) {
      ledger
          .as(accounts.account(i))
          .commitVote(id, upheld, Capabilities.toMarket(Keccak256.hash(new byte[] {(byte) i})));
    }
    ledger.advance(Duration.ofMinutes(10).plusSeconds(1));
    for (int i = 2; i <= 4; i++) {
      ledger
          .as(accounts.account(i))
          .revealVote(id, upheld, Capabilities.toMarket(Keccak256.hash(new byte[] {(byte) i})));
    }
    Challenge.Verdict verdict =
        requesterMarket.resolve(id, committed.with(Assignment.Status.CHALLENGED));
    assertThat(verdict).isEqualTo(upheld ? Challenge.Verdict.UPHELD : Challenge.Verdict.REJECTED);
    feed(engine);
    return job;
  }

  @Test
  void aRejectedChallengeReturnsTheJobToCommittedAndItFinalizes() throws Exception {
    JobEngine engine = engine();
    TestRequester.Job job = challengedAndResolved(engine, false);
    waitFor(() -> state(job.jobId) == JobState.FINALIZED);
    assertThat(provider.events(job.jobId).getLast())
        .isInstanceOf(MarketEvent.AssignmentFinalized.class);
    feed(engine); // replayed: the decided challenge does not challenge the job again
    assertThat(state(job.jobId)).isEqualTo(JobState.FINALIZED);
  }

  @Test
  void anUpheldChallengeMarksTheJobSlashed() throws Exception {
    JobEngine engine = engine();
    TestRequester.Job job = challengedAndResolved(engine, true);
    waitFor(() -> state(job.jobId) == JobState.SLASHED);
    assertThat(engine.jobsByState()).containsEntry(JobState.SLASHED, 1L);
    feed(engine);
    assertThat(state(job.jobId)).isEqualTo(JobState.SLASHED);
    assertThat(provider.events(job.jobId))
        .noneMatch(MarketEvent.AssignmentFinalized.class::isInstance);
  }
}
