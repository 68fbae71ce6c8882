package io.hyphae.contracts.market;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.ContractErrors;
import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketHashes;
import java.math.BigInteger;
import java.security.SignatureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;

/**
 * {@link Market} in memory, for node and wallet tests: the same rules, errors (a {@link
 * ContractRevertException} with the contract's error name) and events as the contracts, without a
 * chain. {@link Ledger} is the shared market state and clock; {@link Ledger#as} gives one account's
 * view. Every call checks all its rules before it changes anything, as a reverted transaction
 * leaves no trace. {@code MarketContract} runs the same suite against this and the real contracts.
 * Challenges are modelled with the contract's rules; the committee is drawn as the registry draws
 * it, from a start position given by the challenge id instead of chain randomness.
 */
public final class InMemoryMarket implements Market {

  /** Contract-side states of a job posted without bids. */
  private enum JobStatus {
    None,
    Open,
    Assigned,
    Cancelled
  }

  private static final class ProviderState {
    boolean registered;
    BigInteger stake = BigInteger.ZERO;
    BigInteger locked = BigInteger.ZERO;
    BigInteger earnings = BigInteger.ZERO;
    long jobsCompleted;
    long shardsServed;
    long timesSlashed;
  }

  /** A live record, or an ended one (only its status is kept, as on chain). */
  private record Slot(Assignment live, Assignment.Status ended) {}

  private record Demand(String demander, int shard, long responseDeadline, long demandsUntil) {}

  /** A challenge's record; the tally fields change as members reveal. */
  private static final class ChallengeState {
    Challenge record;
    final Map<String, Bytes32> commitments = new HashMap<>();
    final Map<String, Integer> revealed = new HashMap<>(); // 1 upheld, 2 rejected

    ChallengeState(Challenge record) {
      this.record = record;
    }
  }

  /** The market and registry state shared by every account's view, and the chain clock. */
  public static final class Ledger {
    private static final long CHAIN_ID = 31337;
    private static final String MARKET = "0x00000000000000000000000000000000000a11ce";
    private static final int MAX_BIDS = 256;
    private static final long MAX_CHALLENGE_WINDOW = Duration.ofDays(30).toSeconds();

    private static final int MAX_COMMITTEE_SCAN = 512;

    private final BigInteger minStake;
    private final BigInteger challengeBond;
    private final long responsePeriod;
    private final BigInteger voterPenalty;
    private final int committeeSize;
    private final long revealPeriod;
    private final List<String> providerList = new ArrayList<>();
    private final Map<BigInteger, ChallengeState> challenges = new HashMap<>();
    private final Eip712 eip712 = new Eip712(CHAIN_ID, MARKET);
    private long now;
    private final Map<String, ProviderState> providers = new HashMap<>();
    private final Map<BigInteger, JobStatus> jobs = new HashMap<>();
    private final Map<BigInteger, Map<Integer, Slot>> records = new HashMap<>();
    private final Map<BigInteger, Map<Integer, Demand>> demands = new HashMap<>();
    private final Map<String, BigInteger> balances = new HashMap<>();
    private final Map<BigInteger, List<MarketEvent>> events = new HashMap<>();
    private final List<BlockEvent> log = new ArrayList<>();

    /** The latest block: each transaction that emits events is mined in a block of its own. */
    private long block;

    /** Set when a call starts: its first event opens a new block (a reverted call opens none). */
    private boolean newTransaction;

    /**
     * @param responsePeriod the contract's votingPeriod, which also bounds a leaf demand's answer
     */
    public Ledger(
        BigInteger minStake, BigInteger challengeBond, Duration responsePeriod, long startTime) {
      this(
          new MarketConfig(
              minStake,
              Duration.ofDays(1),
              challengeBond,
              MarketConfig.devnetDefaults().voterPenalty(),
              MarketConfig.devnetDefaults().committeeSize(),
              responsePeriod,
              MarketConfig.devnetDefaults().revealPeriod()),
          startTime);
    }

    /** A market with {@code config}'s rules (the unbonding delay is not modelled). */
    public Ledger(MarketConfig config, long startTime) {
      this.minStake = config.minStake();
      this.challengeBond = config.challengeBond();
      this.responsePeriod = config.votingPeriod().toSeconds();
      this.voterPenalty = config.voterPenalty();
      this.committeeSize = config.committeeSize();
      this.revealPeriod = config.revealPeriod().toSeconds();
      this.now = startTime;
    }

    /** The EIP-712 domain this fake signs and checks bids and receipts in. */
    public Eip712 eip712() {
      return eip712;
    }

    /** One account's view of this market. */
    public synchronized InMemoryMarket as(Credentials account) {
      return new InMemoryMarket(this, account);
    }

    public synchronized void advance(Duration by) {
      now += by.toSeconds();
    }

    public synchronized long now() {
      return now;
    }
  }

  private final Ledger l;
  private final Credentials credentials;
  private final String me;

  private InMemoryMarket(Ledger ledger, Credentials credentials) {
    this.l = ledger;
    this.credentials = credentials;
    this.me = credentials.getAddress().toLowerCase(Locale.ROOT);
  }

  @Override
  public String account() {
    return me;
  }

  @Override
  public long now() {
    return l.now();
  }

  @Override
  public BigInteger challengeBond() {
    return l.challengeBond;
  }

  @Override
  public long responsePeriod() {
    return l.responsePeriod;
  }

  // ---------------------------------------------------------------- registry

  @Override
  public void register(byte[] peerId, BigInteger stake) {
    synchronized (l) {
      l.newTransaction = true;
      ProviderState p = l.providers.get(me);
      String action = "registering as a provider";
      if (p != null && p.registered) {
        throw rejectIn(action, "ProviderRegistry", "AlreadyRegistered");
      }
      if (peerId.length == 0) {
        throw rejectIn(action, "ProviderRegistry", "EmptyPeerId");
      }
      if (stake.compareTo(l.minStake) < 0) {
        throw rejectIn(action, "ProviderRegistry", "StakeTooLow", "sent", stake, "min", l.minStake);
      }
      p = l.providers.computeIfAbsent(me, k -> new ProviderState());
      if (!l.providerList.contains(me)) {
        l.providerList.add(me);
      }
      p.registered = true;
      p.stake = stake;
    }
  }

  @Override
  public ProviderInfo provider(String address) {
    synchronized (l) {
      ProviderState p = l.providers.get(address.toLowerCase(Locale.ROOT));
      if (p == null) {
        return new ProviderInfo(false, BigInteger.ZERO, BigInteger.ZERO, 0, 0, 0);
      }
      return new ProviderInfo(
          p.registered, p.stake, p.locked, p.jobsCompleted, p.shardsServed, p.timesSlashed);
    }
  }

  // ---------------------------------------------------------------- jobs and bids

  @Override
  public BigInteger jobId(String requester, JobSpec spec) {
    return MarketHashes.jobId(requester, GeneratedTypes.toGenerated(spec));
  }

  @Override
  public SignedBid signBid(Bid bid) {
    if (!bid.provider().equals(me)) {
      throw new IllegalArgumentException(
          "bid names provider " + bid.provider() + " but this account is " + me);
    }
    return new SignedBid(bid, Eip712.sign(digest(bid), credentials));
  }

  @Override
  public byte[] signReceipt(
      BigInteger jobId, int shard, Bytes32 inputLeaf, Bytes32 outputHash, Bytes32 profileHash) {
    return Eip712.sign(
        l.eip712.receiptDigest(
            new Eip712.ShardReceipt(
                jobId,
                shard,
                inputLeaf.toArray(),
                outputHash.toArray(),
                profileHash.toArray(),
                me)),
        credentials);
  }

  @Override
  public BigInteger postJob(JobSpec spec) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "posting the job";
      BigInteger escrow = validate(spec, action);
      BigInteger jobId = jobId(me, spec);
      if (used(jobId)) {
        throw reject(action, "JobExists", "jobId", jobId);
      }
      l.jobs.put(jobId, JobStatus.Open);
      emit(new MarketEvent.JobPosted(jobId, me, spec, escrow));
      return jobId;
    }
  }

  @Override
  public void cancelJob(JobSpec spec) {
    synchronized (l) {
      l.newTransaction = true;
      BigInteger jobId = jobId(me, spec);
      JobStatus status = l.jobs.getOrDefault(jobId, JobStatus.None);
      if (status != JobStatus.Open) {
        throw reject("cancelling the job", "JobNotOpen", "jobId", jobId, "status", status);
      }
      l.jobs.put(jobId, JobStatus.Cancelled);
      emit(new MarketEvent.JobCancelled(jobId, spec.escrow()));
      credit(me, spec.escrow());
    }
  }

  @Override
  public List<Assignment> assign(JobSpec spec, List<SignedBid> bids) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "assigning the job";
      BigInteger jobId = jobId(me, spec);
      JobStatus status = l.jobs.getOrDefault(jobId, JobStatus.None);
      if (status != JobStatus.Open) {
        throw reject(action, "JobNotOpen", "jobId", jobId, "status", status);
      }
      BigInteger cost = checkBids(jobId, spec, bids, action);
      l.jobs.put(jobId, JobStatus.Assigned);
      List<Assignment> out = createAssignments(jobId, spec, bids);
      BigInteger refund = spec.escrow().subtract(cost);
      emit(new MarketEvent.JobAssigned(jobId, bids.size(), cost, refund));
      if (refund.signum() > 0) {
        credit(me, refund);
      }
      return out;
    }
  }

  @Override
  public List<Assignment> postAndAssign(JobSpec spec, List<SignedBid> bids, BigInteger value) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "posting and assigning the job";
      validate(spec, action);
      BigInteger jobId = jobId(me, spec);
      if (used(jobId)) {
        throw reject(action, "JobExists", "jobId", jobId);
      }
      BigInteger cost = checkBids(jobId, spec, bids, action);
      if (value.compareTo(cost) < 0) {
        throw reject(action, "WrongEscrow", "sent", value, "required", cost);
      }
      emit(new MarketEvent.JobPosted(jobId, me, spec, value));
      List<Assignment> out = createAssignments(jobId, spec, bids);
      BigInteger refund = value.subtract(cost);
      emit(new MarketEvent.JobAssigned(jobId, bids.size(), cost, refund));
      if (refund.signum() > 0) {
        credit(me, refund);
      }
      return out;
    }
  }

  // ---------------------------------------------------------------- assignment lifecycle

  @Override
  public Assignment commit(Assignment a, Bytes32 resultRoot) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "committing results";
      require(a, Assignment.Status.ASSIGNED, action);
      if (!me.equals(a.provider())) {
        throw reject(action, "NotProvider", "caller", me, "provider", a.provider());
      }
      if (l.now > a.commitDeadline()) {
        throw reject(action, "CommitDeadlinePassed", "deadline", a.commitDeadline());
      }
      if (resultRoot.isZero()) {
        throw reject(action, "EmptyResultRoot");
      }
      Assignment m = a.with(Assignment.Status.COMMITTED, resultRoot, l.now + a.challengeWindow());
      put(m);
      emit(
          new MarketEvent.ResultCommitted(
              a.jobId(), a.index(), a.provider(), resultRoot, m.challengeDeadline()));
      return m;
    }
  }

  @Override
  public BigInteger finalizeAssignment(Assignment a) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "finalizing the assignment";
      require(a, Assignment.Status.COMMITTED, action);
      if (l.now <= a.challengeDeadline()) {
        throw reject(action, "ChallengeWindowOpen", "deadline", a.challengeDeadline());
      }
      end(a, Assignment.Status.FINALIZED);
      emit(new MarketEvent.AssignmentFinalized(a.jobId(), a.index(), a.provider(), a.payment()));
      ProviderState p = l.providers.get(a.provider());
      p.locked = p.locked.subtract(a.collateral());
      p.jobsCompleted++;
      p.shardsServed += a.shardCount();
      p.earnings = p.earnings.add(a.payment());
      return a.payment();
    }
  }

  @Override
  public BigInteger reclaim(Assignment a) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "reclaiming the assignment";
      require(a, Assignment.Status.ASSIGNED, action);
      if (l.now <= a.commitDeadline()) {
        throw reject(action, "CommitDeadlineNotPassed", "deadline", a.commitDeadline());
      }
      end(a, Assignment.Status.RECLAIMED);
      emit(
          new MarketEvent.AssignmentReclaimed(
              a.jobId(), a.index(), a.provider(), a.payment(), a.collateral()));
      slash(a.provider(), a.collateral());
      credit(a.requester(), a.payment().add(a.collateral()));
      return a.payment().add(a.collateral());
    }
  }

  @Override
  public Assignment demandLeaf(Assignment a, int shard) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "demanding the leaf of shard " + shard;
      require(a, Assignment.Status.COMMITTED, action);
      Demand d = demandOf(a);
      long until = d == null ? a.challengeDeadline() : d.demandsUntil();
      if (l.now > until) {
        throw reject(action, "ChallengeWindowClosed", "deadline", until);
      }
      // This view always sends what the rule asks (as Web3jMarket does), so WrongBond cannot
      // occur here.
      if (!a.covers(shard)) {
        throw reject(action, "ShardNotInAssignment", "shard", shard);
      }
      Assignment m = a.with(Assignment.Status.LEAF_DEMANDED);
      put(m);
      long deadline = l.now + l.responsePeriod;
      l.demands
          .computeIfAbsent(a.jobId(), k -> new HashMap<>())
          .put(a.index(), new Demand(me, shard, deadline, until));
      emit(new MarketEvent.LeafDemanded(a.jobId(), a.index(), me, shard, deadline));
      return m;
    }
  }

  @Override
  public Assignment answerLeaf(
      Assignment a, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "answering the leaf demand";
      require(a, Assignment.Status.LEAF_DEMANDED, action);
      Demand d = demandOf(a);
      if (l.now > d.responseDeadline()) {
        throw reject(action, "ResponseDeadlinePassed", "deadline", d.responseDeadline());
      }
      byte[] leaf = MarketHashes.resultLeaf(d.shard(), inputLeaf.toArray(), outputHash.toArray());
      if (!verify(proof, a.resultRoot(), leaf)) {
        throw reject(action, "InvalidProof");
      }
      long deadline = Math.max(a.challengeDeadline(), l.now + l.responsePeriod);
      Assignment m = a.with(Assignment.Status.COMMITTED, a.resultRoot(), deadline);
      put(m);
      l.demands.get(a.jobId()).put(a.index(), new Demand(null, d.shard(), 0, d.demandsUntil()));
      emit(
          new MarketEvent.LeafAnswered(
              a.jobId(), a.index(), d.shard(), inputLeaf, outputHash, deadline));
      if (!d.demander().equals(a.requester())) {
        credit(a.provider(), l.challengeBond);
      }
      return m;
    }
  }

  @Override
  public BigInteger claimWithheld(Assignment a) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "claiming a withheld leaf";
      require(a, Assignment.Status.LEAF_DEMANDED, action);
      Demand d = demandOf(a);
      if (l.now <= d.responseDeadline()) {
        throw reject(action, "ResponseDeadlineNotPassed", "deadline", d.responseDeadline());
      }
      l.demands.get(a.jobId()).put(a.index(), new Demand(null, d.shard(), 0, d.demandsUntil()));
      end(a, Assignment.Status.SLASHED);
      emit(
          new MarketEvent.LeafWithheld(
              a.jobId(), a.index(), a.provider(), d.shard(), a.payment(), a.collateral()));
      slash(a.provider(), a.collateral());
      credit(a.requester(), a.payment().add(a.collateral()));
      if (!d.demander().equals(a.requester())) {
        credit(d.demander(), l.challengeBond);
      }
      return a.payment().add(a.collateral());
    }
  }

  // ---------------------------------------------------------------- challenge and committee

  @Override
  public BigInteger challenge(
      Assignment a, int shard, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "challenging shard " + shard;
      require(a, Assignment.Status.COMMITTED, action);
      if (l.now > a.challengeDeadline()) {
        throw reject(action, "ChallengeWindowClosed", "deadline", a.challengeDeadline());
      }
      if (!a.covers(shard)) {
        throw reject(action, "ShardNotInAssignment", "shard", shard);
      }
      byte[] leaf = MarketHashes.resultLeaf(shard, inputLeaf.toArray(), outputHash.toArray());
      if (!verify(proof, a.resultRoot(), leaf)) {
        throw reject(action, "InvalidProof");
      }
      BigInteger challengeId = BigInteger.valueOf(l.challenges.size() + 1L);
      List<String> members = draw(challengeId, List.of(a.provider(), me, a.requester()), action);
      for (String m : members) {
        l.providers.get(m).locked = l.providers.get(m).locked.add(l.voterPenalty);
      }
      put(a.with(Assignment.Status.CHALLENGED));
      long commitDeadline = l.now + l.responsePeriod;
      long revealDeadline = commitDeadline + l.revealPeriod;
      l.challenges.put(
          challengeId,
          new ChallengeState(
              new Challenge(
                  challengeId,
                  a.jobId(),
                  a.index(),
                  me,
                  shard,
                  commitDeadline,
                  revealDeadline,
                  l.challengeBond,
                  0,
                  0,
                  0,
                  false,
                  members)));
      emit(
          new MarketEvent.ChallengeOpened(
              challengeId,
              a.jobId(),
              a.index(),
              me,
              shard,
              inputLeaf,
              outputHash,
              members,
              commitDeadline,
              revealDeadline));
      return challengeId;
    }
  }

  /** The registry's drawCommittee, started at {@code challengeId % providers}. */
  private List<String> draw(BigInteger challengeId, List<String> excluded, String action) {
    int n = l.providerList.size();
    List<String> members = new ArrayList<>();
    int scan = Math.min(n, Ledger.MAX_COMMITTEE_SCAN);
    int start = n == 0 ? 0 : challengeId.mod(BigInteger.valueOf(n)).intValue();
    for (int i = 0; i < scan && members.size() < l.committeeSize; i++) {
      String candidate = l.providerList.get((start + i) % n);
      if (excluded.contains(candidate)) {
        continue;
      }
      ProviderState p = l.providers.get(candidate);
      if (p.stake.compareTo(l.minStake) < 0
          || p.stake.subtract(p.locked).compareTo(l.voterPenalty) < 0) {
        continue;
      }
      members.add(candidate);
    }
    if (members.size() < l.committeeSize) {
      throw rejectIn(
          action,
          "ProviderRegistry",
          "CommitteeUnavailable",
          "found",
          members.size(),
          "needed",
          l.committeeSize);
    }
    return members;
  }

  @Override
  public void commitVote(BigInteger challengeId, boolean upheld, Bytes32 salt) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "committing a vote";
      ChallengeState c = challengeState(challengeId, action);
      requireMember(c, action);
      if (l.now > c.record.commitDeadline()) {
        throw reject(action, "VotingClosed", "deadline", c.record.commitDeadline());
      }
      if (c.commitments.containsKey(me)) {
        throw reject(action, "AlreadyCommitted");
      }
      c.commitments.put(
          me, Bytes32.of(MarketHashes.voteCommitment(challengeId, me, upheld, salt.toArray())));
      emit(new MarketEvent.VoteCommitted(challengeId, c.record.jobId(), c.record.index(), me));
    }
  }

  @Override
  public void revealVote(BigInteger challengeId, boolean upheld, Bytes32 salt) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "revealing a vote";
      ChallengeState c = challengeState(challengeId, action);
      requireMember(c, action);
      Challenge r = c.record;
      if (l.now <= r.commitDeadline()) {
        throw reject(action, "RevealNotOpen", "opensAfter", r.commitDeadline());
      }
      if (l.now > r.revealDeadline()) {
        throw reject(action, "RevealClosed", "deadline", r.revealDeadline());
      }
      Bytes32 commitment = c.commitments.get(me);
      if (commitment == null) {
        throw reject(action, "NoCommitment");
      }
      if (c.revealed.containsKey(me)) {
        throw reject(action, "AlreadyRevealed");
      }
      Bytes32 expected =
          Bytes32.of(MarketHashes.voteCommitment(challengeId, me, upheld, salt.toArray()));
      if (!commitment.equals(expected)) {
        throw reject(action, "CommitmentMismatch");
      }
      c.revealed.put(me, upheld ? 1 : 2);
      c.record =
          new Challenge(
              r.challengeId(),
              r.jobId(),
              r.index(),
              r.challenger(),
              r.shard(),
              r.commitDeadline(),
              r.revealDeadline(),
              r.bond(),
              r.upheld() + (upheld ? 1 : 0),
              r.rejected() + (upheld ? 0 : 1),
              r.revealed() + 1,
              false,
              r.members());
      emit(new MarketEvent.VoteRevealed(challengeId, r.jobId(), r.index(), me, upheld));
      ProviderState p = l.providers.get(me);
      p.locked = p.locked.subtract(l.voterPenalty);
    }
  }

  @Override
  public Challenge.Verdict resolve(BigInteger challengeId, Assignment a) {
    synchronized (l) {
      l.newTransaction = true;
      String action = "resolving the challenge";
      ChallengeState c = challengeState(challengeId, action);
      Challenge r = c.record;
      if (r.resolved()) {
        throw reject(action, "ChallengeAlreadyResolved");
      }
      if (l.now <= r.revealDeadline() && r.revealed() < r.members().size()) {
        throw reject(action, "ChallengeNotDecidable", "revealDeadline", r.revealDeadline());
      }
      if (!a.jobId().equals(r.jobId()) || a.index() != r.index()) {
        throw reject(action, "AssignmentMismatch");
      }
      require(a, Assignment.Status.CHALLENGED, action);
      c.record =
          new Challenge(
              r.challengeId(),
              r.jobId(),
              r.index(),
              r.challenger(),
              r.shard(),
              r.commitDeadline(),
              r.revealDeadline(),
              r.bond(),
              r.upheld(),
              r.rejected(),
              r.revealed(),
              true,
              r.members());
      BigInteger pool = BigInteger.ZERO;
      List<MarketEvent> penalties = new ArrayList<>();
      for (String m : r.members()) {
        if (!c.revealed.containsKey(m)) {
          pool = pool.add(l.voterPenalty);
          penalties.add(
              new MarketEvent.MemberPenalized(
                  challengeId, r.jobId(), r.index(), m, l.voterPenalty));
          slash(m, l.voterPenalty);
        }
      }
      penalties.forEach(this::emit);
      Challenge.Verdict verdict;
      if (r.revealed() * 2 <= r.members().size() || r.upheld() == r.rejected()) {
        verdict = Challenge.Verdict.VOID;
      } else {
        verdict = r.upheld() > r.rejected() ? Challenge.Verdict.UPHELD : Challenge.Verdict.REJECTED;
      }
      String party;
      int winningVote;
      if (verdict == Challenge.Verdict.UPHELD) {
        end(a, Assignment.Status.SLASHED);
        pool = pool.add(a.collateral());
        slash(a.provider(), a.collateral());
        credit(a.requester(), a.payment());
        credit(r.challenger(), r.bond());
        party = r.challenger();
        winningVote = 1;
      } else {
        put(a.with(Assignment.Status.COMMITTED));
        if (verdict == Challenge.Verdict.REJECTED) {
          pool = pool.add(r.bond());
          winningVote = 2;
        } else {
          credit(r.challenger(), r.bond());
          winningVote = 0;
        }
        party = a.provider();
      }
      emit(
          new MarketEvent.ChallengeResolved(
              challengeId,
              r.jobId(),
              r.index(),
              verdict,
              r.upheld(),
              r.rejected(),
              r.revealed(),
              pool));
      sharePool(c, pool, party, winningVote);
      return verdict;
    }
  }

  /** The contract's _sharePool: half to the winning voters, the rest to the party. */
  private void sharePool(ChallengeState c, BigInteger pool, String party, int winningVote) {
    if (pool.signum() == 0) {
      return;
    }
    List<String> winners = new ArrayList<>();
    for (String m : c.record.members()) {
      Integer v = c.revealed.get(m);
      if (v != null && (winningVote == 0 || v == winningVote)) {
        winners.add(m);
      }
    }
    BigInteger each =
        winners.isEmpty()
            ? BigInteger.ZERO
            : pool.divide(BigInteger.TWO).divide(BigInteger.valueOf(winners.size()));
    if (each.signum() > 0) {
      winners.forEach(m -> credit(m, each));
    }
    credit(party, pool.subtract(each.multiply(BigInteger.valueOf(winners.size()))));
  }

  @Override
  public Optional<Challenge> challengeOf(BigInteger challengeId) {
    synchronized (l) {
      ChallengeState c = l.challenges.get(challengeId);
      return c == null ? Optional.empty() : Optional.of(c.record);
    }
  }

  private ChallengeState challengeState(BigInteger challengeId, String action) {
    ChallengeState c = l.challenges.get(challengeId);
    if (c == null) {
      throw reject(action, "UnknownChallenge", "challengeId", challengeId);
    }
    return c;
  }

  private void requireMember(ChallengeState c, String action) {
    if (!c.record.members().contains(me)) {
      throw reject(action, "NotCommitteeMember", "caller", me);
    }
  }

  // ---------------------------------------------------------------- money and events

  @Override
  public BigInteger withdrawable(String account) {
    synchronized (l) {
      String who = account.toLowerCase(Locale.ROOT);
      ProviderState p = l.providers.get(who);
      return l.balances
          .getOrDefault(who, BigInteger.ZERO)
          .add(p == null ? BigInteger.ZERO : p.earnings);
    }
  }

  @Override
  public BigInteger withdraw() {
    synchronized (l) {
      l.newTransaction = true;
      BigInteger amount = withdrawable(me);
      if (amount.signum() == 0) {
        throw reject("withdrawing", "NothingToWithdraw");
      }
      l.balances.remove(me);
      ProviderState p = l.providers.get(me);
      if (p != null) {
        p.earnings = BigInteger.ZERO;
      }
      return amount;
    }
  }

  @Override
  public long latestBlock() {
    synchronized (l) {
      return l.block;
    }
  }

  @Override
  public List<BlockEvent> eventsBetween(long fromBlock, long toBlock) {
    synchronized (l) {
      if (fromBlock < 0 || toBlock < fromBlock) {
        throw new IllegalArgumentException("not a block range: " + fromBlock + ".." + toBlock);
      }
      if (fromBlock > l.block) {
        // As anvil answers a range that starts past its head.
        throw new ChainException(
            "reading the market's events failed: block height is "
                + l.block
                + " but requested was "
                + fromBlock);
      }
      List<BlockEvent> out = new ArrayList<>();
      for (BlockEvent e : l.log) {
        if (e.block() >= fromBlock && e.block() <= toBlock) {
          out.add(e);
        }
      }
      return out;
    }
  }

  @Override
  public List<MarketEvent> events(BigInteger jobId) {
    synchronized (l) {
      return List.copyOf(l.events.getOrDefault(jobId, List.of()));
    }
  }

  // ---------------------------------------------------------------- rules

  private BigInteger validate(JobSpec s, String action) {
    if (s.shardCount() == 0) {
      throw reject(action, "InvalidSpec", "reason", "shardCount");
    }
    if (s.redundancy() == 0) {
      throw reject(action, "InvalidSpec", "reason", "redundancy");
    }
    if (s.maxPricePerShard().signum() == 0) {
      throw reject(action, "InvalidSpec", "reason", "maxPricePerShard");
    }
    if (s.commitDeadline() <= l.now) {
      throw reject(action, "InvalidSpec", "reason", "commitDeadline");
    }
    if (s.challengeWindow() == 0 || s.challengeWindow() > Ledger.MAX_CHALLENGE_WINDOW) {
      throw reject(action, "InvalidSpec", "reason", "challengeWindow");
    }
    if (s.inputRoot().isZero()) {
      throw reject(action, "InvalidSpec", "reason", "inputRoot");
    }
    if (s.requesterPeerId().length == 0) {
      throw reject(action, "InvalidSpec", "reason", "requesterPeerId");
    }
    return s.escrow();
  }

  private boolean used(BigInteger jobId) {
    return l.jobs.getOrDefault(jobId, JobStatus.None) != JobStatus.None
        || l.records.getOrDefault(jobId, Map.of()).containsKey(0);
  }

  /** Every check of the contract's _assignBids, in its order, without changing anything. */
  private BigInteger checkBids(BigInteger jobId, JobSpec spec, List<SignedBid> bids, String a) {
    int n = bids.size();
    if (n == 0) {
      throw reject(a, "NoBids");
    }
    if (n > Ledger.MAX_BIDS) {
      throw reject(a, "TooManyBids", "count", n, "max", Ledger.MAX_BIDS);
    }
    if (spec.commitDeadline() <= l.now) {
      throw reject(a, "CommitDeadlinePassed", "deadline", spec.commitDeadline());
    }
    Map<String, BigInteger> locking = new HashMap<>();
    BigInteger cost = BigInteger.ZERO;
    int prevReplica = 0;
    long prevEnd = 0;
    for (int i = 0; i < n; i++) {
      Bid b = bids.get(i).bid();
      if (!b.jobId().equals(jobId)) {
        throw reject(a, "BidForOtherJob", "bid", i, "jobId", b.jobId(), "job", jobId);
      }
      if (l.now > b.expiry()) {
        throw reject(a, "BidExpired", "bid", i, "expiry", b.expiry());
      }
      if (b.shardCount() == 0 || (long) b.firstShard() + b.shardCount() > spec.shardCount()) {
        throw reject(a, "InvalidShardRange", "bid", i, "firstShard", b.firstShard());
      }
      if (b.replica() >= spec.redundancy()) {
        throw reject(a, "InvalidReplica", "bid", i, "replica", b.replica());
      }
      if (b.pricePerShard().compareTo(spec.maxPricePerShard()) > 0) {
        throw reject(a, "PriceAboveMax", "bid", i, "price", b.pricePerShard());
      }
      if (i > 0
          && (b.replica() < prevReplica
              || (b.replica() == prevReplica && b.firstShard() < prevEnd))) {
        throw reject(a, "BidsOverlapOrUnsorted", "bid", i);
      }
      prevReplica = b.replica();
      prevEnd = (long) b.firstShard() + b.shardCount();
      String signer = recover(b, bids.get(i).signature());
      if (!signer.equals(b.provider())) {
        throw reject(
            a, "InvalidBidSignature", "bid", i, "signer", signer, "provider", b.provider());
      }
      ProviderState p = l.providers.get(b.provider());
      BigInteger stake = p == null ? BigInteger.ZERO : p.stake;
      if (stake.compareTo(l.minStake) < 0) {
        throw rejectIn(
            a, "ProviderRegistry", "ProviderNotEligible", "provider", b.provider(), "stake", stake);
      }
      BigInteger already = locking.getOrDefault(b.provider(), BigInteger.ZERO);
      BigInteger free = stake.subtract(p.locked).subtract(already);
      if (b.collateral().compareTo(free) > 0) {
        throw rejectIn(
            a,
            "ProviderRegistry",
            "InsufficientFreeStake",
            "provider",
            b.provider(),
            "amount",
            b.collateral());
      }
      locking.put(b.provider(), already.add(b.collateral()));
      cost = cost.add(b.price());
    }
    return cost;
  }

  private List<Assignment> createAssignments(BigInteger jobId, JobSpec spec, List<SignedBid> bids) {
    List<Assignment> out = new ArrayList<>();
    for (int i = 0; i < bids.size(); i++) {
      Bid b = bids.get(i).bid();
      ProviderState p = l.providers.get(b.provider());
      p.locked = p.locked.add(b.collateral());
      Assignment a =
          new Assignment(
              jobId,
              i,
              b.replica(),
              Assignment.Status.ASSIGNED,
              me,
              b.provider(),
              b.firstShard(),
              b.shardCount(),
              b.pricePerShard(),
              b.collateral(),
              spec.commitDeadline(),
              spec.challengeWindow(),
              Bytes32.ZERO,
              0);
      put(a);
      emit(new MarketEvent.AssignmentCreated(a));
      out.add(a);
    }
    return out;
  }

  /** The contract's _require: known, not ended, the exact record, the expected state. */
  private void require(Assignment a, Assignment.Status expected, String action) {
    Slot slot = l.records.getOrDefault(a.jobId(), Map.of()).get(a.index());
    if (slot == null) {
      throw reject(action, "UnknownAssignment", "jobId", a.jobId(), "index", a.index());
    }
    if (slot.ended() != null) {
      throw wrongStatus(action, slot.ended(), expected);
    }
    if (!slot.live().equals(a)) {
      throw reject(action, "AssignmentMismatch");
    }
    if (a.status() != expected) {
      throw wrongStatus(action, a.status(), expected);
    }
  }

  private Demand demandOf(Assignment a) {
    return l.demands.getOrDefault(a.jobId(), Map.of()).get(a.index());
  }

  private void put(Assignment a) {
    l.records.computeIfAbsent(a.jobId(), k -> new HashMap<>()).put(a.index(), new Slot(a, null));
  }

  private void end(Assignment a, Assignment.Status status) {
    l.records.get(a.jobId()).put(a.index(), new Slot(null, status));
  }

  private void slash(String provider, BigInteger amount) {
    ProviderState p = l.providers.get(provider);
    p.locked = p.locked.subtract(amount);
    p.stake = p.stake.subtract(amount);
    p.timesSlashed++;
  }

  private void credit(String account, BigInteger amount) {
    l.balances.merge(account, amount, BigInteger::add);
  }

  private void emit(MarketEvent e) {
    l.events.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
    if (l.newTransaction) {
      l.block++;
      l.newTransaction = false;
    }
    int logIndex = 0;
    if (!l.log.isEmpty() && l.log.getLast().block() == l.block) {
      logIndex = l.log.getLast().logIndex() + 1;
    }
    l.log.add(new BlockEvent(l.block, logIndex, e));
  }

  private byte[] digest(Bid bid) {
    return l.eip712.bidDigest(GeneratedTypes.toGenerated(bid));
  }

  private String recover(Bid bid, byte[] signature) {
    try {
      return Eip712.recover(digest(bid), signature).toLowerCase(Locale.ROOT);
    } catch (SignatureException | RuntimeException e) {
      return "0x0000000000000000000000000000000000000000"; // as ECDSA.tryRecover on bad input
    }
  }

  /** OpenZeppelin MerkleProof with commutative keccak pairs. */
  private static boolean verify(List<Bytes32> proof, Bytes32 root, byte[] leaf) {
    byte[] node = leaf;
    for (Bytes32 sibling : proof) {
      byte[] s = sibling.toArray();
      node =
          java.util.Arrays.compareUnsigned(node, s) < 0
              ? org.web3j.crypto.Hash.sha3(concat(node, s))
              : org.web3j.crypto.Hash.sha3(concat(s, node));
    }
    return Bytes32.of(node).equals(root);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static ContractRevertException wrongStatus(
      String action, Assignment.Status actual, Assignment.Status expected) {
    return reject(
        action,
        "WrongStatus",
        "actual",
        actual.contractName(),
        "expected",
        expected.contractName());
  }

  private static ContractRevertException reject(String action, String name, Object... args) {
    return rejectIn(action, "JobMarket", name, args);
  }

  private static ContractRevertException rejectIn(
      String action, String contract, String name, Object... args) {
    List<ContractErrors.Argument> list = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      list.add(new ContractErrors.Argument((String) args[i], String.valueOf(args[i + 1])));
    }
    return new ContractRevertException(
        action, new ContractErrors.DecodedError(contract, name, list));
  }
}
