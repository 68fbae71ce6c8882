package io.hyphae.node.committee;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.BlockEvent;
import io.hyphae.contracts.market.Challenge;
import io.hyphae.contracts.market.InMemoryMarket;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.node.chain.ChainAccess;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.InferenceOptions;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.TestModels;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.journal.CommitteeDuty;
import io.hyphae.node.journal.SqliteJobJournal;
import io.hyphae.node.p2p.NodeIdentity;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committee service of account 2 against the in-memory market, a real inference engine and its
 * SQLite journal, on a clock the test moves together with the market's: accounts 3 and 4 are the
 * other members (voting by hand), 1 the provider, 9 the requester and challenger.
 */
class CommitteeServiceTest {

  private static final String MARKET = "0x00000000000000000000000000000000000a11ce";
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = BigInteger.TEN.pow(15);
  private static final MarketConfig CONFIG =
      new MarketConfig(
          ETHER,
          Duration.ofDays(1),
          ETHER.divide(BigInteger.TEN),
          ETHER.divide(BigInteger.valueOf(100)),
          3,
          Duration.ofSeconds(30),
          Duration.ofSeconds(30));

  private static OnnxInferenceEngine inference;

  @TempDir Path dir;
  private final DevnetAccounts accounts = new DevnetAccounts();
  private final TestClock clock = new TestClock(Instant.now().getEpochSecond());
  private final InMemoryMarket.Ledger ledger = new InMemoryMarket.Ledger(CONFIG, clock.seconds());
  private final Market provider = ledger.as(accounts.account(1));
  private final Market requester = ledger.as(accounts.account(9));
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private SqliteJobJournal journal;
  private long handledBlock;

  /** A clock the test moves (whole seconds, as block time). */
  private static final class TestClock extends Clock {
    private final AtomicLong millis;

    TestClock(long seconds) {
      this.millis = new AtomicLong(seconds * 1000);
    }

    long seconds() {
      return millis.get() / 1000;
    }

    void advance(long seconds) {
      millis.addAndGet(seconds * 1000);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  @BeforeAll
  static void startInference() {
    inference = new OnnxInferenceEngine(TestModels.registry(), EngineConfig.defaults());
  }

  @AfterAll
  static void stopInference() {
    inference.close();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private void advance(long seconds) {
    ledger.advance(Duration.ofSeconds(seconds));
    clock.advance(seconds);
  }

  private CommitteeService service() {
    if (journal == null) {
      journal = SqliteJobJournal.open(dir.resolve("journal.db"), clock, Duration.ofSeconds(30));
      toClose.add(journal);
    }
    Market member = ledger.as(accounts.account(2));
    CommitteeService service =
        new CommitteeService(
            new ChainAccess(() -> member),
            journal,
            31337,
            MARKET,
            member.account(),
            new Capabilities(
                Map.of(TestModels.minilm().id(), TestModels.minilm().name()), inference.profiles()),
            inference,
            new ReentrantLock(),
            clock,
            new CommitteeService.Timing(Duration.ofSeconds(5), Duration.ofMillis(20), 5));
    toClose.add(service);
    return service;
  }

  /** What the watcher would hand over: the events since the last call. */
  private void feed(CommitteeService service) throws Exception {
    long latest = requester.latestBlock();
    if (latest > handledBlock) {
      for (BlockEvent e : requester.eventsBetween(handledBlock + 1, latest)) {
        service.onEvent(e);
      }
      handledBlock = latest;
    }
  }

  /** A committed two-shard job whose shard 1 output is wrong when {@code honest} is false. */
  private record Committed(
      Assignment assignment,
      ShardInput input,
      byte[] output,
      Bytes32 inputLeaf,
      List<Bytes32> proof) {}

  private Committed committedJob(boolean honest) throws Exception {
    for (int i = 1; i <= 4; i++) {
      Market m = ledger.as(accounts.account(i));
      if (!m.provider(m.account()).registered()) {
        m.register(
            NodeIdentity.of(accounts.account(i)).peerId().toBytes(),
            ETHER.multiply(BigInteger.TWO));
      }
    }
    List<ShardInput> shards =
        List.of(
            new ShardInput.Texts(0, TestModels.SENTENCES.subList(0, 3)),
            new ShardInput.Texts(3, TestModels.SENTENCES.subList(3, 6)));
    MerkleTree inputs = ShardLeaves.inputTree(shards);
    JobSpec spec =
        new JobSpec(
            Capabilities.toMarket(TestModels.minilm().id()),
            Capabilities.toMarket(ExecutionProfile.CPU_DET_V1.hash()),
            Capabilities.toMarket(inputs.root()),
            2,
            1,
            PRICE,
            requester.now() + 600,
            300,
            clock.seconds(),
            new byte[] {1, 2, 3});
    Bid bid =
        new Bid(
            requester.jobId(requester.account(), spec),
            provider.account(),
            0,
            2,
            0,
            PRICE,
            PRICE.multiply(BigInteger.TWO),
            requester.now() + 600);
    Assignment assigned =
        requester
            .postAndAssign(spec, List.of(provider.signBid(bid)), PRICE.multiply(BigInteger.TWO))
            .get(0);
    Map<Long, Bytes32> leaves = new TreeMap<>();
    byte[] output1 = null;
    for (int i = 0; i < 2; i++) {
      ShardOutput out =
          TestModels.await(
                  inference.submit(
                      new ShardRequest(
                          TestModels.minilm().id(),
                          ExecutionProfile.CPU_DET_V1,
                          i,
                          shards.get(i),
                          InferenceOptions.DEFAULT)))
              .output();
      if (i == 1 && !honest) {
        ShardOutput.Embeddings e = (ShardOutput.Embeddings) out;
        List<float[]> rows = new ArrayList<>();
        for (int r = 0; r < e.rowCount(); r++) {
          float[] row = e.row(r);
          row[0] += 1.0f;
          rows.add(row);
        }
        out = new ShardOutput.Embeddings(e.dimensions(), rows);
      }
      byte[] bytes = ShardCodec.encodeOutput(out);
      if (i == 1) {
        output1 = bytes;
      }
      leaves.put((long) i, ShardLeaves.resultLeaf(i, inputs.leaf(i), Keccak256.hash(bytes)));
    }
    MerkleTree results = ShardLeaves.resultTree(leaves);
    Assignment committed = provider.commit(assigned, Capabilities.toMarket(results.root()));
    return new Committed(committed, shards.get(1), output1, inputs.leaf(1), results.proof(1));
  }

  private BigInteger challenge(Committed c) {
    return requester.challenge(
        c.assignment(),
        1,
        Capabilities.toMarket(c.inputLeaf()),
        Capabilities.toMarket(Keccak256.hash(c.output())),
        c.proof().stream().map(Capabilities::toMarket).toList());
  }

  private static JobProto.ChallengeEvidence evidence(
      BigInteger id, ShardInput input, byte[] output) {
    return JobProto.ChallengeEvidence.newBuilder()
        .setChallengeId(WireValues.uint256(id))
        .setInput(ByteString.copyFrom(ShardCodec.encodeInput(input)))
        .setOutput(ByteString.copyFrom(output))
        .build();
  }

  private PeerId peerOf(int account) {
    return NodeIdentity.of(accounts.account(account)).peerId();
  }

  private static JobProto.EvidenceAck ack(
      CommitteeService service, PeerId from, JobProto.ChallengeEvidence evidence) throws Exception {
    return service.handle(from, evidence).get(30, TimeUnit.SECONDS);
  }

  private CommitteeDuty duty(BigInteger id) throws Exception {
    return journal.duty(31337, MARKET, id).get(10, TimeUnit.SECONDS).orElseThrow();
  }

  private static void waitFor(Duration limit, BooleanSupplier condition) throws Exception {
    long until = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("condition not met within " + limit);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private BooleanSupplier stepIs(BigInteger id, CommitteeDuty.Step step) {
    return () -> {
      try {
        return journal
            .duty(31337, MARKET, id)
            .get(10, TimeUnit.SECONDS)
            .map(CommitteeDuty::step)
            .equals(Optional.of(step));
      } catch (Exception e) {
        return false;
      }
    };
  }

  @Test
  void wrongOutputIsVotedUpheldRevealedAfterTheDeadlineAndResolved() throws Exception {
    CommitteeService service = service();
    Committed job = committedJob(false);
    BigInteger id = challenge(job);
    Challenge opened = requester.challengeOf(id).orElseThrow();
    assertThat(opened.isMember(ledger.as(accounts.account(2)).account())).isTrue();

    // Evidence before the watcher saw the challenge: read from the chain, checked, refused.
    assertThat(
            ack(service, peerOf(5), evidence(id, job.input(), job.output())).getRefusal().getCode())
        .isEqualTo(Code.FORBIDDEN);
    assertThat(
            ack(service, peerOf(9), evidence(id, job.input(), new byte[] {1, 2}))
                .getRefusal()
                .getCode())
        .isEqualTo(Code.INVALID);
    assertThat(
            ack(service, peerOf(9), evidence(id.add(BigInteger.TEN), job.input(), job.output()))
                .getRefusal()
                .getCode())
        .isEqualTo(Code.UNKNOWN);
    assertThat(ack(service, peerOf(9), evidence(id, job.input(), job.output())).hasAccepted())
        .isTrue();
    feed(service); // the ChallengeOpened event changes nothing now

    waitFor(Duration.ofSeconds(30), stepIs(id, CommitteeDuty.Step.COMMITTED));
    assertThat(duty(id).vote().orElseThrow().upheld()).isTrue();
    ledger
        .as(accounts.account(3))
        .commitVote(id, true, Capabilities.toMarket(Keccak256.hash(new byte[] {3})));
    ledger
        .as(accounts.account(4))
        .commitVote(id, false, Capabilities.toMarket(Keccak256.hash(new byte[] {4})));

    BigInteger stakeBefore = provider.provider(provider.account()).stake();
    advance(CONFIG.votingPeriod().toSeconds() + 1);
    waitFor(Duration.ofSeconds(30), stepIs(id, CommitteeDuty.Step.REVEALED));
    ledger
        .as(accounts.account(3))
        .revealVote(id, true, Capabilities.toMarket(Keccak256.hash(new byte[] {3})));
    ledger
        .as(accounts.account(4))
        .revealVote(id, false, Capabilities.toMarket(Keccak256.hash(new byte[] {4})));
    // Every member revealed: the service resolves without waiting for the reveal deadline.
    waitFor(Duration.ofSeconds(30), stepIs(id, CommitteeDuty.Step.DONE));

    assertThat(requester.challengeOf(id).orElseThrow().resolved()).isTrue();
    assertThat(duty(id).note()).contains("UPHELD");
    assertThat(provider.provider(provider.account()).stake())
        .isEqualTo(stakeBefore.subtract(job.assignment().collateral()));
    CommitteeService.Stats stats = service.stats();
    assertThat(stats.evidenceAccepted()).isEqualTo(1);
    assertThat(stats.evidenceRefused()).isEqualTo(3);
    assertThat(stats.duties()).isEqualTo(1);
    assertThat(stats.challengesSeen()).isEqualTo(1);
    assertThat(stats.votesCommitted()).isEqualTo(1);
    assertThat(stats.votesRevealed()).isEqualTo(1);
    assertThat(stats.votesUpheld()).isEqualTo(1);
    assertThat(stats.challengesResolved()).isEqualTo(1);
  }

  @Test
  void withoutEvidenceTheMemberVotesRejectedAndARestartRevealsWithTheJournalledSalt()
      throws Exception {
    CommitteeService first = service();
    Committed job = committedJob(true);
    BigInteger id = challenge(job);
    feed(first);
    waitFor(Duration.ofSeconds(10), stepIs(id, CommitteeDuty.Step.OPEN));
    // No evidence comes: shortly before the commit deadline the member votes "rejected".
    advance(CONFIG.votingPeriod().toSeconds() - 5);
    waitFor(Duration.ofSeconds(30), stepIs(id, CommitteeDuty.Step.COMMITTED));
    CommitteeDuty committed = duty(id);
    assertThat(committed.vote().orElseThrow().upheld()).isFalse();
    assertThat(committed.note()).contains("no valid evidence");
    first.close();

    ledger
        .as(accounts.account(3))
        .commitVote(id, false, Capabilities.toMarket(Keccak256.hash(new byte[] {3})));
    advance(6);
    CommitteeService second = service();
    assertThat(second.resume()).isEqualTo(1);
    // The reveal only matches the on-chain commitment with the salt from the journal.
    waitFor(Duration.ofSeconds(30), stepIs(id, CommitteeDuty.Step.REVEALED));
    ledger
        .as(accounts.account(3))
        .revealVote(id, false, Capabilities.toMarket(Keccak256.hash(new byte[] {3})));
    // Member 4 never votes: the service resolves after the reveal deadline.
    advance(CONFIG.revealPeriod().toSeconds() + 1);
    waitFor(Duration.ofSeconds(30), stepIs(id, CommitteeDuty.Step.DONE));
    Challenge resolved = requester.challengeOf(id).orElseThrow();
    assertThat(resolved.resolved()).isTrue();
    assertThat(resolved.rejected()).isEqualTo(2);
    assertThat(duty(id).note()).contains("REJECTED");
    assertThat(second.stats().votesRevealed()).isEqualTo(1);
  }

  @Test
  void evidenceKeptInTheJournalIsReRunAfterARestart() throws Exception {
    CommitteeService first = service();
    Committed job = committedJob(false);
    BigInteger id = challenge(job);
    feed(first);
    waitFor(Duration.ofSeconds(10), stepIs(id, CommitteeDuty.Step.OPEN));
    first.close();
    // As if the evidence had been accepted just before the node stopped.
    journal
        .saveEvidence(31337, MARKET, id, ShardCodec.encodeInput(job.input()), job.output())
        .get(10, TimeUnit.SECONDS);

    CommitteeService second = service();
    assertThat(second.resume()).isEqualTo(1);
    waitFor(Duration.ofSeconds(30), stepIs(id, CommitteeDuty.Step.COMMITTED));
    assertThat(duty(id).vote().orElseThrow().upheld()).isTrue();
    assertThat(journal.evidence(31337, MARKET, id).get(10, TimeUnit.SECONDS)).isEmpty();
  }
}
