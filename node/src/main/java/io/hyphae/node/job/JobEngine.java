package io.hyphae.node.job;

import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.BlockEvent;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.node.chain.ChainAccess;
import io.hyphae.node.chain.MarketEventHandler;
import io.hyphae.node.config.Fault;
import io.hyphae.node.inference.InferenceEngine;
import io.hyphae.node.journal.JobJournal;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobRecord;
import io.hyphae.node.journal.JobState;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs this node was assigned, from the journal, so a restart resumes each at its state.
 * It learns assignments from the chain watcher ({@link #onEvent}, idempotent), journals ASSIGNED
 * with the spec and the assignment record, and runs one {@link JobRun} per job on a virtual thread
 * (fetch, check, run, deliver, commit, finalize; see {@link JobRun}). {@link #resume()} restarts
 * every job the journal says the node owes. Chain transactions of all jobs go through one lock, so
 * the account's nonces never race.
 */
public final class JobEngine implements MarketEventHandler, AutoCloseable {

  /** The most jobs run at once; beyond it a job waits in the journal for the next resume. */
  static final int MAX_ACTIVE_JOBS = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);

  /** How long steps wait between tries, and how long before the deadline delivery gives up. */
  public record Timing(Duration retryDelay, Duration maxRetryDelay, Duration commitMargin) {
    public static Timing defaults() {
      return new Timing(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
  }

  final ChainAccess chain;
  final JobJournal journal;
  final long chainId;
  final String marketAddress;
  final String account;
  final Capabilities capabilities;
  final InferenceEngine inference;
  final RequesterLink link;
  final Clock clock;
  final Timing timing;
  private final Consumer<BigInteger> onSettled;
  final Fault fault;
  final ReentrantLock transactions = new ReentrantLock();
  private final StopSignal stop = new StopSignal();
  private final Map<JobKey, JobRun> active = new ConcurrentHashMap<>();
  private final Map<JobKey, JobState> states = new ConcurrentHashMap<>();
  final AtomicLong shardsExecuted = new AtomicLong();
  private final Map<JobState, AtomicLong> ended = new EnumMap<>(JobState.class);

  /**
   * @param onSettled told a job id once it was assigned or cancelled (the bidder frees its bids)
   */
  public JobEngine(
      ChainAccess chain,
      JobJournal journal,
      long chainId,
      String marketAddress,
      String account,
      Capabilities capabilities,
      InferenceEngine inference,
      RequesterLink link,
      Clock clock,
      Timing timing,
      Consumer<BigInteger> onSettled) {
    this(
        chain,
        journal,
        chainId,
        marketAddress,
        account,
        capabilities,
        inference,
        link,
        clock,
        timing,
        onSettled,
        Fault.NONE);
  }

  /**
   * @param fault a deliberate misbehaviour for tests ({@link Fault#WRONG_OUTPUT}: every shard's
   *     output is made wrong before it is hashed, signed, delivered and committed)
   */
  public JobEngine(
      ChainAccess chain,
      JobJournal journal,
      long chainId,
      String marketAddress,
      String account,
      Capabilities capabilities,
      InferenceEngine inference,
      RequesterLink link,
      Clock clock,
      Timing timing,
      Consumer<BigInteger> onSettled,
      Fault fault) {
    this.chain = chain;
    this.journal = journal;
    this.chainId = chainId;
    this.marketAddress = marketAddress;
    this.account = account;
    this.capabilities = capabilities;
    this.inference = inference;
    this.link = link;
    this.clock = clock;
    this.timing = timing;
    this.onSettled = onSettled;
    this.fault = fault;
    ended.put(JobState.FINALIZED, new AtomicLong());
    ended.put(JobState.RECLAIMED, new AtomicLong());
    ended.put(JobState.SLASHED, new AtomicLong());
  }

  JobKey key(BigInteger jobId) {
    return new JobKey(chainId, marketAddress, jobId);
  }

  // ---------------------------------------------------------------- chain events

  @Override
  public void onEvent(BlockEvent logged) throws Exception {
    switch (logged.event()) {
      case MarketEvent.AssignmentCreated e when e.assignment().provider().equals(account) ->
          assigned(e.assignment());
      case MarketEvent.JobAssigned e -> settled(e.jobId());
      case MarketEvent.JobCancelled e -> settled(e.jobId());
      case MarketEvent.ResultCommitted e when e.provider().equals(account) -> committed(e);
      case MarketEvent.AssignmentFinalized e when e.provider().equals(account) ->
          ended(e.jobId(), JobState.FINALIZED);
      case MarketEvent.AssignmentReclaimed e when e.provider().equals(account) ->
          ended(e.jobId(), JobState.RECLAIMED);
      case MarketEvent.ChallengeOpened e -> challenged(e);
      case MarketEvent.ChallengeResolved e -> challengeResolved(e);
      default -> {}
    }
  }

  /** An assignment of ours: journal it (once) and run it. */
  void assigned(Assignment a) throws Exception {
    JobKey key = key(a.jobId());
    Optional<JobRecord> known = JobJournal.await(journal.find(key));
    if (known.isPresent() && known.get().state() != JobState.BID) {
      Map<String, byte[]> data = JobJournal.await(journal.data(key));
      Assignment mine = JobData.decodeAssignment(data.get(JobData.ASSIGNMENT));
      if (mine.index() != a.index()) {
        LOG.warn(
            "job {}: a second assignment (index {}) to this node is not supported; the node works"
                + " on index {} only",
            a.jobId(),
            a.index(),
            mine.index());
      }
      start(known.get());
      return;
    }
    JobData.Posted posted;
    if (known.isPresent()) {
      Map<String, byte[]> data = JobJournal.await(journal.data(key));
      posted =
          data.containsKey(JobData.SPEC)
              ? JobData.decodePosted(data.get(JobData.SPEC))
              : postedFromChain(a.jobId());
    } else {
      posted = postedFromChain(a.jobId());
    }
    List<Integer> shards = new ArrayList<>();
    for (int i = 0; i < a.shardCount(); i++) {
      shards.add(a.firstShard() + i);
    }
    List<Multiaddr> addresses =
        link.knownAddresses(PeerId.fromBytes(posted.spec().requesterPeerId()));
    JobRecord record =
        JobJournal.await(
            journal.upsert(
                key,
                JobState.ASSIGNED,
                shards,
                Map.of(
                    JobData.SPEC,
                    JobData.encode(posted),
                    JobData.ASSIGNMENT,
                    JobData.encode(a),
                    JobData.REQUESTER_ADDRESSES,
                    JobData.encodeAddresses(addresses))));
    LOG.info(
        "job {}: assigned shards {}..{} (index {})",
        a.jobId(),
        a.firstShard(),
        a.firstShard() + a.shardCount() - 1,
        a.index());
    onSettled.accept(a.jobId());
    start(record);
  }

  private JobData.Posted postedFromChain(BigInteger jobId) {
    Market market = chain.market();
    for (MarketEvent e : market.events(jobId)) {
      if (e instanceof MarketEvent.JobPosted p) {
        return new JobData.Posted(p.requester(), p.spec());
      }
    }
    throw new IllegalStateException("job " + jobId + " has no JobPosted event on chain");
  }

  /** A job was assigned or cancelled: a bid of ours that did not win is forgotten. */
  private void settled(BigInteger jobId) throws Exception {
    onSettled.accept(jobId);
    JobKey key = key(jobId);
    Optional<JobRecord> known = JobJournal.await(journal.find(key));
    if (known.isPresent() && known.get().state() == JobState.BID) {
      JobJournal.await(journal.forget(key));
      LOG.debug("job {}: not won; forgotten", jobId);
    }
  }

  /** Our commit is on chain; the journal catches up if the node stopped before recording it. */
  private void committed(MarketEvent.ResultCommitted e) throws Exception {
    JobKey key = key(e.jobId());
    Optional<JobRecord> known = JobJournal.await(journal.find(key));
    if (known.isEmpty() || known.get().state() != JobState.DELIVERED) {
      return;
    }
    Assignment a =
        JobData.decodeAssignment(JobJournal.await(journal.data(key)).get(JobData.ASSIGNMENT));
    if (a.index() != e.index()) {
      return;
    }
    Assignment c = a.with(Assignment.Status.COMMITTED, e.resultRoot(), e.challengeDeadline());
    JobJournal.await(
        journal.upsert(
            key, JobState.COMMITTED, List.of(), Map.of(JobData.ASSIGNMENT, JobData.encode(c))));
  }

  /** Our assignment, as the journal holds it, when {@code index} is it. */
  private Optional<Assignment> ours(JobKey key, int index) throws Exception {
    Optional<JobRecord> known = JobJournal.await(journal.find(key));
    if (known.isEmpty() || known.get().state().isTerminal()) {
      return Optional.empty();
    }
    byte[] data = JobJournal.await(journal.data(key)).get(JobData.ASSIGNMENT);
    if (data == null) {
      return Optional.empty();
    }
    Assignment a = JobData.decodeAssignment(data);
    return a.index() == index ? Optional.of(a) : Optional.empty();
  }

  /** A shard of ours was challenged: no finalizing until the committee decided. */
  private void challenged(MarketEvent.ChallengeOpened e) throws Exception {
    JobKey key = key(e.jobId());
    Optional<Assignment> mine = ours(key, e.index());
    if (mine.isEmpty()) {
      return;
    }
    JobState state = JobJournal.await(journal.find(key)).orElseThrow().state();
    byte[] resolved = JobJournal.await(journal.data(key)).get(JobData.RESOLVED_CHALLENGE);
    if (state == JobState.CHALLENGED
        || resolved != null && new BigInteger(1, resolved).compareTo(e.challengeId()) >= 0) {
      return; // seen already, or a replay of a challenge already decided
    }
    if (state != JobState.COMMITTED) {
      LOG.warn("job {}: challenged on chain while the journal has {}", e.jobId(), state);
      return;
    }
    Assignment a = mine.get().with(Assignment.Status.CHALLENGED);
    JobJournal.await(
        journal.upsert(
            key,
            JobState.CHALLENGED,
            List.of(),
            Map.of(
                JobData.ASSIGNMENT,
                JobData.encode(a),
                JobData.OPEN_CHALLENGE,
                e.challengeId().toByteArray())));
    recordState(key, JobState.CHALLENGED);
    LOG.warn(
        "job {}: shard {} CHALLENGED by {} (challenge {}); a committee of {} votes until {}",
        e.jobId(),
        e.shard(),
        e.challenger(),
        e.challengeId(),
        e.members().size(),
        e.revealDeadline());
  }

  /** The committee decided on our challenged shard: the job is lost, or finalizes as usual. */
  private void challengeResolved(MarketEvent.ChallengeResolved e) throws Exception {
    JobKey key = key(e.jobId());
    Optional<Assignment> mine = ours(key, e.index());
    if (mine.isEmpty()
        || JobJournal.await(journal.find(key)).orElseThrow().state() != JobState.CHALLENGED) {
      return;
    }
    byte[] resolved = e.challengeId().toByteArray();
    if (e.verdict() == io.hyphae.contracts.market.Challenge.Verdict.UPHELD) {
      JobJournal.await(
          journal.upsert(
              key, JobState.SLASHED, List.of(), Map.of(JobData.RESOLVED_CHALLENGE, resolved)));
      JobRun run = active.get(key);
      if (run != null) {
        run.stop();
      }
      recordState(key, JobState.SLASHED);
      LOG.warn(
          "job {}: SLASHED: challenge {} upheld ({} of {} revealed votes)",
          e.jobId(),
          e.challengeId(),
          e.upheld(),
          e.revealed());
      return;
    }
    Assignment a = mine.get().with(Assignment.Status.COMMITTED);
    JobRecord record =
        JobJournal.await(
            journal.upsert(
                key,
                JobState.COMMITTED,
                List.of(),
                Map.of(
                    JobData.ASSIGNMENT, JobData.encode(a), JobData.RESOLVED_CHALLENGE, resolved)));
    recordState(key, JobState.COMMITTED);
    LOG.info(
        "job {}: challenge {} {}; back to COMMITTED, finalizing after {}",
        e.jobId(),
        e.challengeId(),
        e.verdict(),
        a.challengeDeadline());
    start(record);
  }

  private void ended(BigInteger jobId, JobState state) throws Exception {
    JobKey key = key(jobId);
    Optional<JobRecord> known = JobJournal.await(journal.find(key));
    if (known.isEmpty() || known.get().state().isTerminal()) {
      return;
    }
    if (!known.get().state().canMoveTo(state)) {
      LOG.warn("job {}: chain says {} but the journal has {}", jobId, state, known.get().state());
      return;
    }
    JobJournal.await(journal.upsert(key, state, List.of()));
    JobRun run = active.get(key);
    if (run != null) {
      run.stop();
    }
    recordState(key, state);
    LOG.info("job {}: {} (seen on chain)", jobId, state);
  }

  // ---------------------------------------------------------------- runs

  /** Resumes every job the journal says the node owes; returns how many were started. */
  public int resume() throws Exception {
    int started = 0;
    for (JobRecord job : JobJournal.await(journal.pendingJobs(MAX_ACTIVE_JOBS))) {
      recordState(job.key(), job.state());
      if (job.state() != JobState.BID && job.state() != JobState.POSTED) {
        if (start(job)) {
          started++;
        }
      }
    }
    if (started > 0) {
      LOG.info("resumed {} jobs from the journal", started);
    }
    return started;
  }

  /** Starts a run for the job unless one runs already or the job needs nothing more. */
  private synchronized boolean start(JobRecord job) {
    if (isStopping() || job.state().isTerminal() || active.containsKey(job.key())) {
      return false;
    }
    if (active.size() >= MAX_ACTIVE_JOBS) {
      LOG.error("{} jobs run already; {} waits for the next restart", MAX_ACTIVE_JOBS, job.key());
      return false;
    }
    JobRun run = new JobRun(this, job.key());
    active.put(job.key(), run);
    recordState(job.key(), job.state());
    Thread.ofVirtual()
        .name("hyphae-job-" + job.key().jobId().toString(16))
        .start(
            () -> {
              try {
                run.run();
              } finally {
                active.remove(job.key(), run);
              }
            });
    return true;
  }

  void recordState(JobKey key, JobState state) {
    if (state.isTerminal()) {
      states.remove(key);
      ended.get(state).incrementAndGet();
    } else {
      states.put(key, state);
    }
  }

  /** Jobs by state: unfinished ones the node tracks, and those that ended since it started. */
  public Map<JobState, Long> jobsByState() {
    Map<JobState, Long> out = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      out.put(s, 0L);
    }
    states.values().forEach(s -> out.merge(s, 1L, Long::sum));
    ended.forEach((s, n) -> out.put(s, n.get()));
    return out;
  }

  public long shardsExecuted() {
    return shardsExecuted.get();
  }

  /** Shards of running jobs not yet run: capacity the node has promised. */
  public int shardsOwed() {
    return active.values().stream().mapToInt(JobRun::shardsLeft).sum();
  }

  public int activeJobs() {
    return active.size();
  }

  /**
   * The lock every chain transaction of this node's account is sent under (so nonces never race);
   * other services that send as the same account take it too.
   */
  public ReentrantLock transactionLock() {
    return transactions;
  }

  /** Waits up to {@code d}; true when stopping (the caller should give up). */
  boolean pause(Duration d) {
    return stop.pause(d);
  }

  boolean isStopping() {
    return stop.isStopping();
  }

  /** Stops every run (they resume from the journal next time) and waits for them briefly. */
  @Override
  public void close() {
    stop.stop();
    for (JobRun run : List.copyOf(active.values())) {
      run.stop();
    }
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (JobRun run : List.copyOf(active.values())) {
      run.awaitEnd(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
    }
  }
}
