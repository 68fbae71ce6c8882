package io.hyphae.wallet.job;

import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Market;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardLeaves;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The requester's side of a challenge, shared by {@code job submit} (a failed spot check) and
 * {@code job challenge}: prove the receipt's leaf against the committed root and open the challenge
 * with the bond, give every committee member the evidence (the shard's input and the provider's
 * output, docs/market-protocol.md "When a check fails"), then wait for the verdict and resolve it
 * when nobody else does.
 */
public final class Challenger {

  /** Gas a challenge transaction may take at most (a committee draw is a loop over providers). */
  private static final BigInteger CHALLENGE_GAS = BigInteger.valueOf(1_500_000);

  private static final int EVIDENCE_ROUNDS = 4;
  private static final Duration EVIDENCE_ATTEMPT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int RESOLVE_RETRIES = 20;

  private final Market market;
  private final ChallengeChain chain;
  private final EvidenceSender sender;
  private final Map<String, ProviderRef> directory = new LinkedHashMap<>();
  private final Supplier<BigInteger> balance;
  private final Supplier<BigInteger> gasPrice;
  private final PrintWriter progress;
  private final Clock clock;
  private final Duration firstBackoff;

  /**
   * @param known providers whose addresses are known (the job's, the devnet's): committee members
   *     are looked up among them by account
   */
  public Challenger(
      Market market,
      ChallengeChain chain,
      EvidenceSender sender,
      List<ProviderRef> known,
      Supplier<BigInteger> balance,
      Supplier<BigInteger> gasPrice,
      PrintWriter progress,
      Clock clock) {
    this(market, chain, sender, known, balance, gasPrice, progress, clock, Duration.ofSeconds(1));
  }

  /** As above, with the pause before the second evidence round (doubling after each round). */
  Challenger(
      Market market,
      ChallengeChain chain,
      EvidenceSender sender,
      List<ProviderRef> known,
      Supplier<BigInteger> balance,
      Supplier<BigInteger> gasPrice,
      PrintWriter progress,
      Clock clock,
      Duration firstBackoff) {
    this.firstBackoff = firstBackoff;
    this.market = market;
    this.chain = chain;
    this.sender = sender;
    known.forEach(p -> directory.putIfAbsent(p.account().toLowerCase(Locale.ROOT), p));
    this.balance = balance;
    this.gasPrice = gasPrice;
    this.progress = progress;
    this.clock = clock;
  }

  /** The challenge could not be opened; the message says why and what to do. */
  public static final class NotOpened extends JobException {
    private static final long serialVersionUID = 1L;

    NotOpened(String message) {
      super(message);
    }
  }

  /**
   * Opens a challenge of {@code shard} of the committed assignment {@code a}, proving the receipt
   * leaf among {@code leaves} (every shard of the assignment, from its receipts).
   *
   * @throws NotOpened when a leaf is missing, the receipts do not give the committed root, or the
   *     account cannot pay the bond
   */
  public ChallengeState open(Assignment a, int shard, List<JobRecord.LeafJson> leaves) {
    if (a.status() != Assignment.Status.COMMITTED) {
      throw new NotOpened(
          "assignment #"
              + a.index()
              + " is "
              + a.status().contractName()
              + ": only a committed result inside its challenge window can be challenged");
    }
    TreeMap<Long, Bytes32> resultLeaves = new TreeMap<>();
    JobRecord.LeafJson mine = null;
    for (JobRecord.LeafJson l : leaves) {
      if (l.assignment() == a.index()) {
        resultLeaves.put(
            (long) l.shard(),
            ShardLeaves.resultLeaf(
                l.shard(), Bytes32.fromHex(l.inputLeaf()), Bytes32.fromHex(l.outputHash())));
        if (l.shard() == shard) {
          mine = l;
        }
      }
    }
    if (resultLeaves.size() != a.shardCount() || mine == null) {
      throw new NotOpened(
          "the wallet holds receipts for "
              + resultLeaves.size()
              + " of assignment #"
              + a.index()
              + "'s "
              + a.shardCount()
              + " shards: without every leaf there is no proof");
    }
    MerkleTree tree = ShardLeaves.resultTree(resultLeaves);
    if (!java.util.Arrays.equals(tree.root().toArray(), a.resultRoot().toArray())) {
      throw new NotOpened(
          "the receipts do not give the committed root "
              + a.resultRoot()
              + ": the provider committed results it did not deliver (demand the leaf instead)");
    }
    BigInteger bond = chain.bond();
    BigInteger need = bond.add(gasPrice.get().multiply(CHALLENGE_GAS));
    BigInteger have = balance.get();
    if (have.compareTo(need) < 0) {
      throw new NotOpened(
          "the challenge bond is "
              + Amounts.eth(bond)
              + " ETH (plus gas) but the account has "
              + Amounts.eth(have)
              + " ETH: fund it and run `hyphae job challenge "
              + a.jobId()
              + " --shard "
              + shard
              + " --replica "
              + a.replica()
              + "` before "
              + Instant.ofEpochSecond(a.challengeDeadline()));
    }
    ChallengeState c =
        chain.open(
            a,
            shard,
            Bytes32.fromHex(mine.inputLeaf()),
            Bytes32.fromHex(mine.outputHash()),
            tree.proof(shard - a.firstShard()));
    progress.printf(
        "challenged shard %d of %s (assignment #%d): challenge %s, bond %s ETH, committee %s%n",
        shard, a.provider(), a.index(), c.challengeId(), Amounts.eth(bond), c.members());
    progress.flush();
    return c;
  }

  /**
   * Gives every member the evidence: a few rounds for the members that did not accept, never past
   * the commit deadline. A member whose address is not known is reported as NO_ADDRESS.
   *
   * @throws NotOpened when the evidence does not match what the challenge recorded (a wallet bug or
   *     a corrupted job file: nothing is sent)
   */
  public List<JobRecord.EvidenceJson> deliver(ChallengeState c, byte[] input, byte[] output)
      throws InterruptedException {
    if (!ShardLeaves.inputLeaf(c.shard(), Keccak256.hash(input)).equals(c.inputLeaf())
        || !Keccak256.hash(output).equals(c.outputHash())) {
      throw new NotOpened(
          "the evidence at hand does not hash to challenge "
              + c.challengeId()
              + "'s input leaf and output hash: not sent");
    }
    Map<String, JobRecord.EvidenceJson> status = new LinkedHashMap<>();
    for (String member : c.members()) {
      status.put(
          member,
          directory.containsKey(member)
              ? new JobRecord.EvidenceJson(member, "UNREACHABLE", "not tried")
              : new JobRecord.EvidenceJson(
                  member, "NO_ADDRESS", "no libp2p address known for this provider"));
    }
    Duration backoff = firstBackoff;
    for (int round = 0; round < EVIDENCE_ROUNDS; round++) {
      long left = c.commitDeadline() - clock.instant().getEpochSecond();
      List<String> pending =
          status.values().stream()
              .filter(e -> !e.status().equals("ACCEPTED") && !e.status().equals("NO_ADDRESS"))
              .map(JobRecord.EvidenceJson::member)
              .toList();
      if (pending.isEmpty() || left <= 0) {
        break;
      }
      long budget = Math.min(EVIDENCE_ATTEMPT.toMillis(), left * 1000);
      Map<String, CompletableFuture<Optional<String>>> sent = new LinkedHashMap<>();
      for (String member : pending) {
        sent.put(
            member,
            sender
                .send(directory.get(member), c.challengeId(), input, output)
                .orTimeout(budget, TimeUnit.MILLISECONDS));
      }
      for (var e : sent.entrySet()) {
        JobRecord.EvidenceJson result;
        try {
          Optional<String> refusal = e.getValue().get(budget + 1000, TimeUnit.MILLISECONDS);
          result =
              refusal.isEmpty()
                  ? new JobRecord.EvidenceJson(e.getKey(), "ACCEPTED", null)
                  : new JobRecord.EvidenceJson(e.getKey(), "REFUSED", refusal.get());
        } catch (InterruptedException ie) {
          throw ie;
        } catch (Exception ex) {
          result = new JobRecord.EvidenceJson(e.getKey(), "UNREACHABLE", RequesterPeer.cause(ex));
        }
        status.put(e.getKey(), result);
      }
      if (round + 1 < EVIDENCE_ROUNDS
          && status.values().stream()
              .anyMatch(e -> !e.status().equals("ACCEPTED") && !e.status().equals("NO_ADDRESS"))) {
        Waits.pause(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    for (JobRecord.EvidenceJson e : status.values()) {
      progress.printf(
          "evidence for challenge %s: %s %s%s%n",
          c.challengeId(),
          e.member(),
          e.status().toLowerCase(Locale.ROOT),
          e.detail() == null ? "" : " (" + e.detail() + ")");
    }
    progress.flush();
    return new ArrayList<>(status.values());
  }

  /**
   * Waits for the verdict, bounded by the reveal deadline plus {@code margin}; resolves the
   * challenge itself once every member revealed or the reveal deadline passed and nobody did.
   * Returns the challenge as last read (unresolved when the bound passed).
   */
  public ChallengeState await(ChallengeState opened, Assignment challenged, Duration margin)
      throws InterruptedException {
    Instant until = Instant.ofEpochSecond(opened.revealDeadline()).plus(margin);
    progress.printf(
        "waiting for the committee's verdict on challenge %s (reveal deadline %s)%n",
        opened.challengeId(), Instant.ofEpochSecond(opened.revealDeadline()));
    progress.flush();
    Assignment recorded = challenged.with(Assignment.Status.CHALLENGED);
    ChallengeState c = opened;
    int tries = 0;
    while (true) {
      c = chain.state(opened.challengeId()).orElse(c);
      if (c.resolved()) {
        return c;
      }
      long now = Math.max(clock.instant().getEpochSecond(), market.now());
      if (c.decidable(now)) {
        try {
          if (chain.resolve(c.challengeId(), recorded)) {
            progress.printf("resolved challenge %s%n", c.challengeId());
            progress.flush();
          }
          continue;
        } catch (ContractRevertException e) {
          // The block's time may still be at the reveal deadline: try again shortly.
          if (++tries > RESOLVE_RETRIES) {
            throw new JobException(
                "resolving challenge " + c.challengeId() + " failed: " + e.getMessage(), e);
          }
        }
      }
      if (!clock.instant().isBefore(until)) {
        return c;
      }
      Waits.pause(POLL);
    }
  }

  /** The job file's record of a challenge as it stands. */
  public static JobRecord.ChallengeJson record(
      ChallengeState c,
      Assignment a,
      BigInteger bond,
      String reason,
      List<JobRecord.EvidenceJson> evidence) {
    Optional<Verdict> verdict = c.resolution().map(ChallengeState.Resolution::verdict);
    boolean upheld = verdict.orElse(null) == Verdict.UPHELD;
    return new JobRecord.ChallengeJson(
        c.challengeId().toString(),
        a.index(),
        c.shard(),
        a.provider(),
        c.resolved() ? "RESOLVED" : "OPEN",
        reason,
        c.resolved()
            ? null
            : "the committee votes until "
                + Instant.ofEpochSecond(c.revealDeadline())
                + ": `hyphae job challenge "
                + a.jobId()
                + " --shard "
                + c.shard()
                + " --replica "
                + a.replica()
                + " --wait` follows it and resolves it",
        bond.toString(),
        c.members(),
        evidence,
        c.commitDeadline(),
        c.revealDeadline(),
        c.committed().size(),
        c.revealed().size(),
        verdict.map(Verdict::contractName).orElse(null),
        verdict.isEmpty() ? null : upheld ? a.collateral().toString() : "0",
        verdict.isEmpty() ? null : upheld ? a.payment().toString() : "0",
        verdict.map(v -> v != Verdict.REJECTED).orElse(null),
        verdict.isEmpty() ? null : c.challengerShare().toString());
  }

  /** A challenge that could not be opened, with what to do. */
  public static JobRecord.ChallengeJson notOpened(
      Assignment a, int shard, String reason, String why) {
    return new JobRecord.ChallengeJson(
        null,
        a.index(),
        shard,
        a.provider(),
        "NOT_OPENED",
        reason,
        why,
        null,
        List.of(),
        List.of(),
        0,
        0,
        0,
        0,
        null,
        null,
        null,
        null,
        null);
  }

  static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }
}
