package io.hyphae.wallet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.contracts.market.Assignment;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.ShardLeaves;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The requester's challenge steps without a chain: proving the receipt's leaf, refusing without the
 * bond, and giving each committee member the evidence with bounded retries.
 */
class ChallengerTest {

  private static final BigInteger BOND = BigInteger.TEN.pow(17);
  private static final BigInteger JOB = BigInteger.valueOf(77);
  private static final Instant NOW = Instant.ofEpochSecond(1_900_000_000L);
  private static final byte[] INPUT = "input".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OUTPUT = "output".getBytes(StandardCharsets.UTF_8);

  /** A chain that opens challenges in memory and records what it was asked. */
  private static final class RecordingChain implements ChallengeChain {
    final List<List<Bytes32>> proofs = new ArrayList<>();
    final List<String> members;

    RecordingChain(List<String> members) {
      this.members = members;
    }

    @Override
    public BigInteger bond() {
      return BOND;
    }

    @Override
    public ChallengeState open(
        Assignment committed,
        int shard,
        Bytes32 inputLeaf,
        Bytes32 outputHash,
        List<Bytes32> proof) {
      proofs.add(proof);
      return challengeState(shard, inputLeaf, outputHash, members, NOW.getEpochSecond() + 60);
    }

    @Override
    public List<ChallengeState> ofJob(BigInteger jobId) {
      return List.of();
    }

    @Override
    public Optional<ChallengeState> state(BigInteger challengeId) {
      return Optional.empty();
    }

    @Override
    public boolean resolve(BigInteger challengeId, Assignment challenged) {
      return true;
    }
  }

  private static ChallengeState challengeState(
      int shard, Bytes32 inputLeaf, Bytes32 outputHash, List<String> members, long commitBy) {
    return new ChallengeState(
        BigInteger.ONE,
        JOB,
        0,
        "0xrequester",
        shard,
        inputLeaf,
        outputHash,
        members,
        commitBy,
        commitBy + 60,
        Set.of(),
        Map.of(),
        Optional.empty());
  }

  /** Assignment #0 of shards 2-3, committed with the root of these two leaves. */
  private static Assignment committed(List<JobRecord.LeafJson> leaves) {
    TreeMap<Long, Bytes32> byShard = new TreeMap<>();
    for (JobRecord.LeafJson l : leaves) {
      byShard.put(
          (long) l.shard(),
          ShardLeaves.resultLeaf(
              l.shard(), Bytes32.fromHex(l.inputLeaf()), Bytes32.fromHex(l.outputHash())));
    }
    Bytes32 root = ShardLeaves.resultTree(byShard).root();
    return new Assignment(
        JOB,
        0,
        0,
        Assignment.Status.COMMITTED,
        "0x" + "11".repeat(20),
        "0x" + "22".repeat(20),
        2,
        2,
        BigInteger.TEN,
        BigInteger.valueOf(20),
        NOW.getEpochSecond() + 100,
        30,
        io.hyphae.contracts.market.Bytes32.of(root.toArray()),
        NOW.getEpochSecond() + 30);
  }

  private static List<JobRecord.LeafJson> leaves() {
    List<JobRecord.LeafJson> out = new ArrayList<>();
    for (int shard = 2; shard <= 3; shard++) {
      Bytes32 in = ShardLeaves.inputLeaf(shard, Keccak256.hash(INPUT, new byte[] {(byte) shard}));
      Bytes32 outHash = Keccak256.hash(OUTPUT, new byte[] {(byte) shard});
      out.add(new JobRecord.LeafJson(0, shard, in.toHex(), outHash.toHex(), "0x"));
    }
    return out;
  }

  private static Challenger challenger(
      ChallengeChain chain, EvidenceSender sender, List<ProviderRef> known, BigInteger balance) {
    return new Challenger(
        null, // the market is only read while awaiting a verdict, which these tests do not do
        chain,
        sender,
        known,
        () -> balance,
        () -> BigInteger.valueOf(1_000_000_000L),
        new PrintWriter(new StringWriter()),
        Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofMillis(10));
  }

  @Test
  void opensWithTheReceiptLeafAndAProofAgainstTheCommittedRoot() {
    RecordingChain chain = new RecordingChain(List.of());
    List<JobRecord.LeafJson> leaves = leaves();
    Assignment a = committed(leaves);

    ChallengeState c =
        challenger(chain, (m, id, i, o) -> null, List.of(), BigInteger.TEN.pow(18))
            .open(a, 3, leaves);

    assertThat(c.shard()).isEqualTo(3);
    assertThat(c.inputLeaf().toHex()).isEqualTo(leaves.get(1).inputLeaf());
    Bytes32 leaf =
        ShardLeaves.resultLeaf(
            3,
            Bytes32.fromHex(leaves.get(1).inputLeaf()),
            Bytes32.fromHex(leaves.get(1).outputHash()));
    assertThat(
            io.hyphae.protocol.commitment.MerkleTree.verify(
                chain.proofs.get(0), Bytes32.wrap(a.resultRoot().toArray()), leaf))
        .isTrue();
  }

  @Test
  void refusesWithoutTheBondAndSaysWhatToDo() {
    RecordingChain chain = new RecordingChain(List.of());
    List<JobRecord.LeafJson> leaves = leaves();

    assertThatThrownBy(
            () ->
                challenger(chain, (m, id, i, o) -> null, List.of(), BigInteger.TEN.pow(16))
                    .open(committed(leaves), 2, leaves))
        .isInstanceOf(Challenger.NotOpened.class)
        .hasMessageContaining("the challenge bond is 0.1 ETH")
        .hasMessageContaining("has 0.01 ETH")
        .hasMessageContaining("hyphae job challenge 77 --shard 2 --replica 0");
    assertThat(chain.proofs).isEmpty();
  }

  @Test
  void refusesWhenTheReceiptsDoNotGiveTheCommittedRoot() {
    List<JobRecord.LeafJson> leaves = leaves();
    Assignment a = committed(leaves);
    List<JobRecord.LeafJson> other = new ArrayList<>(leaves);
    other.set(
        1, new JobRecord.LeafJson(0, 3, leaves.get(1).inputLeaf(), "0x" + "00".repeat(32), "0x"));

    assertThatThrownBy(
            () ->
                challenger(
                        new RecordingChain(List.of()),
                        (m, id, i, o) -> null,
                        List.of(),
                        BigInteger.TEN.pow(18))
                    .open(a, 3, other))
        .isInstanceOf(Challenger.NotOpened.class)
        .hasMessageContaining("do not give the committed root");
  }

  @Test
  void givesEachMemberTheEvidenceRetryingThoseThatFailed() throws Exception {
    ProviderRef accepts = JobKeys.provider(1);
    ProviderRef flaky = JobKeys.provider(2);
    ProviderRef refuses = JobKeys.provider(3);
    String unknown = "0x" + "44".repeat(20);
    List<String> members = new ArrayList<>();
    for (ProviderRef p : List.of(accepts, flaky, refuses)) {
      members.add(p.account().toLowerCase(Locale.ROOT));
    }
    members.add(unknown);
    Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    EvidenceSender sender =
        (member, id, input, output) -> {
          int n = tries.computeIfAbsent(member.name(), k -> new AtomicInteger()).incrementAndGet();
          if (member.equals(refuses)) {
            return CompletableFuture.completedFuture(Optional.of("refused (INVALID): no"));
          }
          if (member.equals(flaky) && n == 1) {
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
          }
          return CompletableFuture.completedFuture(Optional.empty());
        };
    ChallengeState c =
        challengeState(
            2,
            ShardLeaves.inputLeaf(2, Keccak256.hash(INPUT)),
            Keccak256.hash(OUTPUT),
            members,
            NOW.getEpochSecond() + 60);

    List<JobRecord.EvidenceJson> report =
        challenger(
                new RecordingChain(members),
                sender,
                List.of(accepts, flaky, refuses),
                BigInteger.TEN.pow(18))
            .deliver(c, INPUT, OUTPUT);

    assertThat(report)
        .extracting(JobRecord.EvidenceJson::status)
        .containsExactly("ACCEPTED", "ACCEPTED", "REFUSED", "NO_ADDRESS");
    assertThat(report.get(2).detail()).contains("no");
    assertThat(tries.get(accepts.name())).hasValue(1);
    assertThat(tries.get(flaky.name())).hasValue(2);
    // A member that keeps refusing is asked a bounded number of times.
    assertThat(tries.get(refuses.name()).get()).isEqualTo(4);
  }

  @Test
  void sendsNothingWhenTheEvidenceDoesNotMatchTheChallenge() {
    AtomicInteger sent = new AtomicInteger();
    ProviderRef member = JobKeys.provider(1);
    ChallengeState c =
        challengeState(
            2,
            ShardLeaves.inputLeaf(2, Keccak256.hash(INPUT)),
            Keccak256.hash(OUTPUT),
            List.of(member.account().toLowerCase(Locale.ROOT)),
            NOW.getEpochSecond() + 60);

    assertThatThrownBy(
            () ->
                challenger(
                        new RecordingChain(List.of()),
                        (m, id, i, o) -> {
                          sent.incrementAndGet();
                          return CompletableFuture.completedFuture(Optional.empty());
                        },
                        List.of(member),
                        BigInteger.TEN.pow(18))
                    .deliver(c, INPUT, "other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(Challenger.NotOpened.class)
        .hasMessageContaining("does not hash");
    assertThat(sent).hasValue(0);
  }

  @Test
  void foldsChallengesIntoTheLedgerAndSharesThePoolAsTheContractDoes() {
    Assignment a = committed(leaves());
    JobLedger base =
        new JobLedger(
            JOB,
            Optional.empty(),
            Optional.empty(),
            JobLedger.JobState.ASSIGNED,
            List.of(a),
            BigInteger.ZERO,
            BigInteger.ZERO);
    ChallengeState open =
        challengeState(
            2, Bytes32.wrap(new byte[32]), Bytes32.wrap(new byte[32]), List.of("0xa", "0xb"), 0);
    assertThat(base.withChallenges(List.of(open)).assignments().get(0).status())
        .isEqualTo(Assignment.Status.CHALLENGED);
    assertThat(base.withChallenges(List.of(open)).isFinal()).isFalse();

    ChallengeState upheld =
        new ChallengeState(
            open.challengeId(),
            JOB,
            0,
            open.challenger(),
            2,
            open.inputLeaf(),
            open.outputHash(),
            open.members(),
            0,
            0,
            Set.of("0xa", "0xb"),
            Map.of("0xa", true, "0xb", true),
            Optional.of(
                new ChallengeState.Resolution(Verdict.UPHELD, 2, 0, 2, BigInteger.valueOf(101))));
    JobLedger after = base.withChallenges(List.of(upheld));
    assertThat(after.assignments().get(0).status()).isEqualTo(Assignment.Status.SLASHED);
    assertThat(after.refunded()).isEqualTo(a.payment());
    assertThat(after.isFinal()).isTrue();
    // Half of 101 split over two members (25 each); the challenger keeps the rest.
    assertThat(upheld.challengerShare()).isEqualTo(BigInteger.valueOf(51));

    JobRecord.ChallengeJson record = Challenger.record(upheld, a, BOND, "mismatch", List.of());
    assertThat(record.verdict()).isEqualTo("Upheld");
    assertThat(record.slashed()).isEqualTo("20");
    assertThat(record.refund()).isEqualTo("20");
    assertThat(record.bondReturned()).isTrue();
    assertThat(record.upheld()).isTrue();
  }
}
