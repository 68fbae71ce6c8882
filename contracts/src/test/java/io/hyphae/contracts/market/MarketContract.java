package io.hyphae.contracts.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketHashes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Hash;

/**
 * The {@link Market} contract, run against the in-memory fake ({@code InMemoryMarketTest}) and the
 * real contracts on anvil ({@code Web3jMarketIT}) so the fake cannot drift from the chain. Accounts
 * 1..4 are registered providers, 5 is never registered, 7 the requester, 8 a third party. Tests
 * share one market and only move its clock forward.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MarketContract {

  protected static final BigInteger ETHER = BigInteger.TEN.pow(18);
  protected static final BigInteger PRICE = ETHER.divide(BigInteger.valueOf(100));
  protected static final BigInteger COLLATERAL = ETHER.divide(BigInteger.TEN);
  private static final byte[] PEER_ID = {0x08, 0x02, 0x12, 0x21, 0x02};
  private static final long WINDOW = 600;

  private long salt;

  /** Starts the market (with {@code MarketConfig.devnetDefaults()} rules). */
  protected abstract void start() throws Exception;

  /** The view of devnet account {@code index}. */
  protected abstract Market market(int index);

  /** The market's EIP-712 domain. */
  protected abstract Eip712 domain();

  /** Moves the market's clock forward. */
  protected abstract void advance(Duration by);

  @BeforeAll
  void startAndRegister() throws Exception {
    start();
    for (int i = 1; i <= 4; i++) {
      market(i).register(PEER_ID, ETHER.multiply(BigInteger.TWO));
    }
  }

  private Market requester() {
    return market(7);
  }

  private static Bytes32 hash(String s) {
    return Bytes32.of(Hash.sha3(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<byte[]> inputLeaves(int shards) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      out.add(MarketHashes.inputLeaf(i, hash("input " + i).toArray()));
    }
    return out;
  }

  private static List<byte[]> resultLeaves(int from, int count) {
    List<byte[]> inputs = inputLeaves(from + count);
    List<byte[]> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(MarketHashes.resultLeaf(i, inputs.get(i), hash("output " + i).toArray()));
    }
    return out;
  }

  private static Bytes32 root(List<byte[]> leaves) {
    return Bytes32.of(MarketHashes.merkleRoot(leaves));
  }

  private JobSpec spec(int shards) {
    return new JobSpec(
        hash("model"),
        hash("profile"),
        root(inputLeaves(shards)),
        shards,
        1,
        PRICE,
        requester().now() + 3600,
        WINDOW,
        ++salt,
        PEER_ID);
  }

  private Bid bid(JobSpec spec, int provider, int first, int count) {
    return new Bid(
        requester().jobId(requester().account(), spec),
        market(provider).account(),
        first,
        count,
        0,
        PRICE,
        COLLATERAL,
        requester().now() + 600);
  }

  private SignedBid signed(JobSpec spec, int provider, int first, int count) {
    return market(provider).signBid(bid(spec, provider, first, count));
  }

  private static void rejects(ThrowingCallable call, String errorName) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ContractRevertException.class, e -> assertThat(e.errorName()).isEqualTo(errorName));
  }

  private Assignment postOne(int shards, int provider) {
    JobSpec spec = spec(shards);
    List<Assignment> list =
        requester()
            .postAndAssign(
                spec,
                List.of(signed(spec, provider, 0, shards)),
                PRICE.multiply(BigInteger.valueOf(shards)));
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  @Test
  void lifecyclePaysProvidersAndEmitsTheSameEvents() {
    JobSpec spec = spec(4);
    BigInteger jobId = requester().jobId(requester().account(), spec);
    BigInteger value = PRICE.multiply(BigInteger.valueOf(5)); // one shard's price too much
    List<Assignment> assigned =
        requester()
            .postAndAssign(spec, List.of(signed(spec, 1, 0, 2), signed(spec, 2, 2, 2)), value);
    assertThat(assigned).extracting(Assignment::status).containsOnly(Assignment.Status.ASSIGNED);
    assertThat(assigned)
        .extracting(Assignment::provider)
        .containsExactly(market(1).account(), market(2).account());
    long completedBefore = market(1).provider(market(1).account()).jobsCompleted();
    Assignment c1 = market(1).commit(assigned.get(0), root(resultLeaves(0, 2)));
    Assignment c2 = market(2).commit(assigned.get(1), root(resultLeaves(2, 2)));
    assertThat(c1.status()).isEqualTo(Assignment.Status.COMMITTED);
    assertThat(c1.challengeDeadline()).isGreaterThan(requester().now());
    rejects(() -> requester().finalizeAssignment(c1), "ChallengeWindowOpen");
    // The stale Assigned record no longer matches the stored hash.
    rejects(
        () -> market(2).commit(assigned.get(1), root(resultLeaves(2, 2))), "AssignmentMismatch");
    advance(Duration.ofSeconds(WINDOW + 1));
    BigInteger owedBefore = market(1).withdrawable(market(1).account());
    assertThat(requester().finalizeAssignment(c1)).isEqualTo(PRICE.multiply(BigInteger.TWO));
    assertThat(requester().finalizeAssignment(c2)).isEqualTo(PRICE.multiply(BigInteger.TWO));
    rejects(() -> requester().finalizeAssignment(c1), "WrongStatus");
    assertThat(market(1).withdrawable(market(1).account()).subtract(owedBefore))
        .isEqualTo(PRICE.multiply(BigInteger.TWO));
    ProviderInfo p1 = market(1).provider(market(1).account());
    assertThat(p1.jobsCompleted()).isEqualTo(completedBefore + 1);
    assertThat(p1.locked()).isZero();
    BigInteger owed = market(1).withdrawable(market(1).account());
    assertThat(market(1).withdraw()).isEqualTo(owed);
    rejects(() -> market(1).withdraw(), "NothingToWithdraw");

    assertThat(requester().events(jobId))
        .containsExactly(
            new MarketEvent.JobPosted(jobId, requester().account(), spec, value),
            new MarketEvent.AssignmentCreated(assigned.get(0)),
            new MarketEvent.AssignmentCreated(assigned.get(1)),
            new MarketEvent.JobAssigned(jobId, 2, PRICE.multiply(BigInteger.valueOf(4)), PRICE),
            new MarketEvent.ResultCommitted(
                jobId, 0, c1.provider(), c1.resultRoot(), c1.challengeDeadline()),
            new MarketEvent.ResultCommitted(
                jobId, 1, c2.provider(), c2.resultRoot(), c2.challengeDeadline()),
            new MarketEvent.AssignmentFinalized(
                jobId, 0, c1.provider(), PRICE.multiply(BigInteger.TWO)),
            new MarketEvent.AssignmentFinalized(
                jobId, 1, c2.provider(), PRICE.multiply(BigInteger.TWO)));
  }

  @Test
  void eventsBetweenBlocksFollowTheWholeMarketInChainOrder() {
    long before = requester().latestBlock();
    JobSpec spec = spec(2);
    BigInteger jobId = requester().postJob(spec);
    long posted = requester().latestBlock();
    assertThat(posted).isGreaterThan(before);
    List<Assignment> assigned = requester().assign(spec, List.of(signed(spec, 3, 0, 2)));
    long latest = requester().latestBlock();

    List<BlockEvent> all = requester().eventsBetween(before + 1, latest);
    assertThat(all)
        .extracting(BlockEvent::event)
        .containsExactly(
            new MarketEvent.JobPosted(jobId, requester().account(), spec, spec.escrow()),
            new MarketEvent.AssignmentCreated(assigned.get(0)),
            new MarketEvent.JobAssigned(jobId, 1, PRICE.multiply(BigInteger.TWO), BigInteger.ZERO));
    // One transaction, one block: the assignment's two events share the block after the post's.
    assertThat(all.get(0).block()).isEqualTo(posted);
    assertThat(all.get(1).block()).isEqualTo(all.get(2).block()).isGreaterThan(posted);
    assertThat(all.get(2).logIndex()).isGreaterThan(all.get(1).logIndex());
    assertThat(requester().eventsBetween(before + 1, posted))
        .extracting(BlockEvent::event)
        .containsExactly(all.get(0).event());
    assertThat(requester().eventsBetween(latest, latest))
        .extracting(BlockEvent::event)
        .containsExactly(all.get(1).event(), all.get(2).event());
  }

  @Test
  void receiptsAreSignedByTheProviderOverTheMarketsDomain() throws Exception {
    JobSpec spec = spec(1);
    BigInteger jobId = requester().jobId(requester().account(), spec);
    byte[] signature = market(2).signReceipt(jobId, 0, hash("in"), hash("out"), hash("profile"));
    assertThat(signature).hasSize(65);
    byte[] digest =
        domain()
            .receiptDigest(
                new Eip712.ShardReceipt(
                    jobId,
                    0,
                    hash("in").toArray(),
                    hash("out").toArray(),
                    hash("profile").toArray(),
                    market(2).account()));
    assertThat(Eip712.recover(digest, signature)).isEqualToIgnoringCase(market(2).account());
    // Same key, same digest: signing again gives the same (deterministic) signature.
    assertThat(market(2).signReceipt(jobId, 0, hash("in"), hash("out"), hash("profile")))
        .isEqualTo(signature);
    assertThat(market(3).signReceipt(jobId, 0, hash("in"), hash("out"), hash("profile")))
        .isNotEqualTo(signature);
  }

  @Test
  void openJobsAreAssignedOnceOrCancelled() {
    JobSpec spec = spec(2);
    BigInteger jobId = requester().postJob(spec);
    assertThat(jobId).isEqualTo(requester().jobId(requester().account(), spec));
    rejects(() -> requester().postJob(spec), "JobExists");
    BigInteger before = requester().withdrawable(requester().account());
    requester().cancelJob(spec);
    assertThat(requester().withdrawable(requester().account()).subtract(before))
        .isEqualTo(spec.escrow());
    rejects(() -> requester().cancelJob(spec), "JobNotOpen");
    rejects(() -> requester().assign(spec, List.of(signed(spec, 3, 0, 2))), "JobNotOpen");
    assertThat(requester().events(jobId))
        .containsExactly(
            new MarketEvent.JobPosted(jobId, requester().account(), spec, spec.escrow()),
            new MarketEvent.JobCancelled(jobId, spec.escrow()));

    JobSpec other = spec(2);
    requester().postJob(other);
    List<Assignment> assigned = requester().assign(other, List.of(signed(other, 3, 0, 1)));
    assertThat(assigned).hasSize(1);
    rejects(() -> requester().assign(other, List.of(signed(other, 4, 1, 1))), "JobNotOpen");
  }

  @Test
  void badSpecsAndBidsAreRejectedWithTheContractsErrors() {
    JobSpec spec = spec(4);
    JobSpec empty =
        new JobSpec(
            spec.modelHash(),
            spec.profileHash(),
            spec.inputRoot(),
            0,
            1,
            PRICE,
            spec.commitDeadline(),
            WINDOW,
            spec.salt(),
            PEER_ID);
    rejects(() -> requester().postJob(empty), "InvalidSpec");
    BigInteger full = PRICE.multiply(BigInteger.valueOf(4));
    rejects(
        () -> requester().postAndAssign(spec, List.of(signed(spec, 1, 0, 4)), PRICE),
        "WrongEscrow");
    SignedBid good = signed(spec, 1, 0, 2);
    byte[] sig = good.signature();
    sig[5] ^= 1;
    rejects(
        () -> requester().postAndAssign(spec, List.of(new SignedBid(good.bid(), sig)), full),
        "InvalidBidSignature");
    Bid b = good.bid();
    Bid pricey =
        new Bid(
            b.jobId(), b.provider(), 0, 2, 0, PRICE.add(BigInteger.ONE), COLLATERAL, b.expiry());
    rejects(
        () -> requester().postAndAssign(spec, List.of(market(1).signBid(pricey)), full),
        "PriceAboveMax");
    rejects(
        () ->
            requester()
                .postAndAssign(spec, List.of(signed(spec, 1, 0, 2), signed(spec, 2, 1, 2)), full),
        "BidsOverlapOrUnsorted");
    rejects(
        () -> requester().postAndAssign(spec, List.of(signed(spec, 1, 3, 2)), full),
        "InvalidShardRange");
    rejects(
        () -> requester().postAndAssign(spec, List.of(signed(spec, 5, 0, 4)), full),
        "ProviderNotEligible");
    Bid heavy =
        new Bid(
            b.jobId(), b.provider(), 0, 4, 0, PRICE, ETHER.multiply(BigInteger.TEN), b.expiry());
    rejects(
        () -> requester().postAndAssign(spec, List.of(market(1).signBid(heavy)), full),
        "InsufficientFreeStake");
    rejects(() -> requester().postAndAssign(spec, List.of(), full), "NoBids");
    SignedBid expiring = signed(spec, 1, 0, 4);
    advance(Duration.ofSeconds(601));
    rejects(() -> requester().postAndAssign(spec, List.of(expiring), full), "BidExpired");
    // Nothing above changed anything: the job can still be posted and assigned.
    assertThat(requester().postAndAssign(spec, List.of(signed(spec, 1, 0, 4)), full)).hasSize(1);
  }

  @Test
  void aMissedCommitIsReclaimedAndSlashed() {
    Assignment a = postOne(2, 3);
    rejects(() -> requester().commit(a, root(resultLeaves(0, 2))), "NotProvider");
    rejects(() -> market(3).commit(a, Bytes32.ZERO), "EmptyResultRoot");
    rejects(() -> requester().reclaim(a), "CommitDeadlineNotPassed");
    ProviderInfo before = market(3).provider(market(3).account());
    advance(Duration.ofSeconds(3601));
    rejects(() -> market(3).commit(a, root(resultLeaves(0, 2))), "CommitDeadlinePassed");
    BigInteger owed = requester().withdrawable(requester().account());
    assertThat(requester().reclaim(a)).isEqualTo(a.payment().add(COLLATERAL));
    assertThat(requester().withdrawable(requester().account()).subtract(owed))
        .isEqualTo(a.payment().add(COLLATERAL));
    ProviderInfo after = market(3).provider(market(3).account());
    assertThat(after.stake()).isEqualTo(before.stake().subtract(COLLATERAL));
    assertThat(after.timesSlashed()).isEqualTo(before.timesSlashed() + 1);
    rejects(() -> requester().reclaim(a), "WrongStatus");
    assertThat(requester().events(a.jobId()).getLast())
        .isEqualTo(
            new MarketEvent.AssignmentReclaimed(
                a.jobId(), 0, a.provider(), a.payment(), COLLATERAL));
  }

  @Test
  void aWithheldLeafSlashesTheProviderAfterTheResponseDeadline() {
    Assignment a = postOne(3, 4);
    // The root has no leaf for shard 2.
    Assignment committed = market(4).commit(a, root(resultLeaves(0, 2)));
    rejects(() -> requester().demandLeaf(committed, 3), "ShardNotInAssignment");
    Assignment demanded = requester().demandLeaf(committed, 2);
    assertThat(demanded.status()).isEqualTo(Assignment.Status.LEAF_DEMANDED);
    rejects(() -> requester().demandLeaf(committed, 1), "AssignmentMismatch");
    List<byte[]> inputs = inputLeaves(3);
    rejects(
        () ->
            market(4)
                .answerLeaf(
                    demanded,
                    Bytes32.of(inputs.get(1)),
                    hash("output 1"),
                    List.of(Bytes32.of(resultLeaves(0, 2).get(0)))),
        "InvalidProof");
    rejects(() -> requester().finalizeAssignment(demanded), "WrongStatus");
    rejects(() -> requester().claimWithheld(demanded), "ResponseDeadlineNotPassed");
    advance(Duration.ofSeconds(requester().responsePeriod() + 1));
    ProviderInfo before = market(4).provider(market(4).account());
    assertThat(market(8).claimWithheld(demanded)).isEqualTo(a.payment().add(COLLATERAL));
    assertThat(market(4).provider(market(4).account()).stake())
        .isEqualTo(before.stake().subtract(COLLATERAL));
    rejects(() -> requester().claimWithheld(demanded), "WrongStatus");
    List<MarketEvent> events = requester().events(a.jobId());
    assertThat(events.get(events.size() - 2)).isInstanceOf(MarketEvent.LeafDemanded.class);
    assertThat(events.getLast())
        .isEqualTo(
            new MarketEvent.LeafWithheld(a.jobId(), 0, a.provider(), 2, a.payment(), COLLATERAL));
  }

  @Test
  void anAnsweredBondedDemandPaysTheProviderAndTheLeafCanStillBeChallenged() {
    Assignment a = postOne(2, 2);
    Assignment committed = market(2).commit(a, root(resultLeaves(0, 2)));
    Assignment demanded = market(8).demandLeaf(committed, 1);
    BigInteger owed = market(2).withdrawable(market(2).account());
    List<byte[]> inputs = inputLeaves(2);
    Assignment answered =
        market(2)
            .answerLeaf(
                demanded,
                Bytes32.of(inputs.get(1)),
                hash("output 1"),
                List.of(Bytes32.of(resultLeaves(0, 2).get(0))));
    assertThat(answered.status()).isEqualTo(Assignment.Status.COMMITTED);
    assertThat(answered.challengeDeadline())
        .isGreaterThanOrEqualTo(committed.challengeDeadline())
        .isGreaterThanOrEqualTo(requester().now() + requester().responsePeriod() - 5);
    assertThat(market(2).withdrawable(market(2).account()).subtract(owed))
        .isEqualTo(requester().challengeBond());
    rejects(() -> requester().claimWithheld(demanded), "AssignmentMismatch");
    assertThat(requester().events(a.jobId()).getLast())
        .isEqualTo(
            new MarketEvent.LeafAnswered(
                a.jobId(),
                0,
                1,
                Bytes32.of(inputs.get(1)),
                hash("output 1"),
                answered.challengeDeadline()));
    advance(Duration.ofSeconds(answered.challengeDeadline() - requester().now() + 1));
    rejects(() -> requester().demandLeaf(answered, 0), "ChallengeWindowClosed");
    assertThat(requester().finalizeAssignment(answered)).isEqualTo(a.payment());
  }

  @Test
  void anUpheldChallengeSlashesTheProviderAndPaysTheRequesterAndTheVoters() {
    BigInteger penalty = MarketConfig.devnetDefaults().voterPenalty();
    Duration voting = MarketConfig.devnetDefaults().votingPeriod();
    Assignment a = postOne(2, 1);
    List<byte[]> leaves = resultLeaves(0, 2);
    Assignment committed = market(1).commit(a, root(leaves));
    Bytes32 inputLeaf = Bytes32.of(inputLeaves(2).get(1));
    List<Bytes32> proof = List.of(Bytes32.of(leaves.get(0)));
    rejects(
        () -> requester().challenge(committed, 1, inputLeaf, hash("output 0"), proof),
        "InvalidProof");
    rejects(
        () -> requester().challenge(committed, 2, inputLeaf, hash("output 1"), proof),
        "ShardNotInAssignment");
    BigInteger id = requester().challenge(committed, 1, inputLeaf, hash("output 1"), proof);
    Assignment challenged = committed.with(Assignment.Status.CHALLENGED);
    assertThat(AssignmentHistory.latest(requester().events(a.jobId()), 0)).contains(challenged);
    Challenge opened = requester().challengeOf(id).orElseThrow();
    // The provider, the challenger and the requester are excluded: accounts 2..4 remain.
    assertThat(opened.members())
        .containsExactlyInAnyOrder(market(2).account(), market(3).account(), market(4).account());
    assertThat(opened.jobId()).isEqualTo(a.jobId());
    assertThat(opened.shard()).isEqualTo(1);
    assertThat(opened.resolved()).isFalse();
    assertThat(opened.revealDeadline()).isGreaterThan(opened.commitDeadline());
    assertThat(requester().challengeOf(id.add(BigInteger.valueOf(1000)))).isEmpty();
    rejects(() -> requester().finalizeAssignment(committed), "AssignmentMismatch");

    Bytes32 s2 = hash("salt 2");
    Bytes32 s3 = hash("salt 3");
    Bytes32 s4 = hash("salt 4");
    rejects(() -> market(8).commitVote(id, true, s2), "NotCommitteeMember");
    market(2).commitVote(id, true, s2);
    market(3).commitVote(id, true, s3);
    market(4).commitVote(id, false, s4);
    rejects(() -> market(2).commitVote(id, false, s2), "AlreadyCommitted");
    rejects(() -> market(2).revealVote(id, true, s2), "RevealNotOpen");
    rejects(() -> market(8).resolve(id, challenged), "ChallengeNotDecidable");
    advance(voting.plusSeconds(1));
    rejects(() -> market(2).commitVote(id, true, s2), "VotingClosed");
    rejects(() -> market(2).revealVote(id, false, s2), "CommitmentMismatch");
    market(2).revealVote(id, true, s2);
    market(3).revealVote(id, true, s3);
    rejects(() -> market(3).revealVote(id, true, s3), "AlreadyRevealed");
    // Member 4 never reveals: it loses its penalty once the reveal deadline passed.
    rejects(() -> market(8).resolve(id, challenged), "ChallengeNotDecidable");
    advance(MarketConfig.devnetDefaults().revealPeriod().plusSeconds(1));
    ProviderInfo provider = market(1).provider(market(1).account());
    ProviderInfo silent = market(4).provider(market(4).account());
    BigInteger requesterOwed = requester().withdrawable(requester().account());
    BigInteger voterOwed = market(2).withdrawable(market(2).account());
    rejects(() -> market(8).resolve(id, committed), "AssignmentMismatch");
    assertThat(market(8).resolve(id, challenged)).isEqualTo(Challenge.Verdict.UPHELD);
    rejects(() -> market(8).resolve(id, challenged), "ChallengeAlreadyResolved");

    BigInteger pool = COLLATERAL.add(penalty);
    BigInteger each = pool.divide(BigInteger.TWO).divide(BigInteger.TWO);
    assertThat(market(1).provider(market(1).account()).stake())
        .isEqualTo(provider.stake().subtract(COLLATERAL));
    assertThat(market(4).provider(market(4).account()).stake())
        .isEqualTo(silent.stake().subtract(penalty));
    assertThat(requester().withdrawable(requester().account()).subtract(requesterOwed))
        .isEqualTo(
            a.payment()
                .add(requester().challengeBond())
                .add(pool.subtract(each.multiply(BigInteger.TWO))));
    assertThat(market(2).withdrawable(market(2).account()).subtract(voterOwed)).isEqualTo(each);
    assertThat(requester().challengeOf(id).orElseThrow())
        .extracting(
            Challenge::upheld, Challenge::rejected, Challenge::revealed, Challenge::resolved)
        .containsExactly(2, 0, 2, true);
    rejects(() -> requester().finalizeAssignment(challenged), "WrongStatus");
    assertThat(AssignmentHistory.latest(requester().events(a.jobId()), 0))
        .contains(committed.with(Assignment.Status.SLASHED));

    BigInteger job = a.jobId();
    List<MarketEvent> events = requester().events(job);
    assertThat(events.subList(events.size() - 8, events.size()))
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly(
            "ChallengeOpened",
            "VoteCommitted",
            "VoteCommitted",
            "VoteCommitted",
            "VoteRevealed",
            "VoteRevealed",
            "MemberPenalized",
            "ChallengeResolved");
    assertThat(events.get(events.size() - 8))
        .isEqualTo(
            new MarketEvent.ChallengeOpened(
                id,
                job,
                0,
                requester().account(),
                1,
                inputLeaf,
                hash("output 1"),
                opened.members(),
                opened.commitDeadline(),
                opened.revealDeadline()));
    assertThat(events)
        .contains(
            new MarketEvent.VoteCommitted(id, job, 0, market(4).account()),
            new MarketEvent.VoteRevealed(id, job, 0, market(3).account(), true),
            new MarketEvent.MemberPenalized(id, job, 0, market(4).account(), penalty));
    MarketEvent resolved =
        new MarketEvent.ChallengeResolved(id, job, 0, Challenge.Verdict.UPHELD, 2, 0, 2, pool);
    assertThat(events.getLast()).isEqualTo(resolved);
    // A view that never saw the challenge opened still names the job of its later events.
    long latest = market(7).latestBlock();
    assertThat(market(5).eventsBetween(latest, latest))
        .extracting(BlockEvent::event)
        .contains(resolved);
  }
}
