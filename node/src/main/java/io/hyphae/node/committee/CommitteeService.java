package io.hyphae.node.committee;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.market.BlockEvent;
import io.hyphae.contracts.market.Challenge;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.node.chain.ChainAccess;
import io.hyphae.node.chain.MarketEventHandler;
import io.hyphae.node.inference.InferenceEngine;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.job.StopSignal;
import io.hyphae.node.journal.CommitteeDuty;
import io.hyphae.node.journal.CommitteeJournal;
import io.hyphae.node.journal.JobJournal;
import io.hyphae.node.journal.JournalException;
import io.hyphae.node.p2p.NodeIdentity;
import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's committee work. The chain watcher hands it every market event ({@link #onEvent},
 * idempotent); a {@code ChallengeOpened} that lists this node's account becomes a journalled {@link
 * CommitteeDuty} driven by one {@link DutyRun} on a virtual thread: wait for the challenger's
 * evidence ({@link #handle}, served on {@code /hyphae/challenge-evidence/1.0.0}), re-run the shard,
 * decide, journal the vote and a random salt, commit, reveal after the commit deadline, resolve.
 * Evidence is checked on a virtual thread, never the event loop; it may arrive before the watcher
 * saw the event: the challenge is then read from the chain. {@link #resume()} restarts every open
 * duty from the journal. At most {@value #MAX_ACTIVE_DUTIES} duties run at once.
 */
public final class CommitteeService implements MarketEventHandler, AutoCloseable {

  /** The most duties driven at once; beyond it, a duty waits in the journal for a restart. */
  static final int MAX_ACTIVE_DUTIES = 64;

  /** Evidence messages checked at once (the protocol's inbound limit); more are answered BUSY. */
  static final int MAX_CHECKS = 16;

  private static final Logger LOG = LoggerFactory.getLogger(CommitteeService.class);

  /**
   * How the duties pace themselves.
   *
   * @param voteMargin how long before the commit deadline a vote is cast at the latest (less when
   *     the voting period is short: a third of the time left)
   * @param retryDelay the pause between tries of a failed step
   * @param maxTries how often a transaction the chain refuses as "too early" is tried again
   */
  public record Timing(Duration voteMargin, Duration retryDelay, int maxTries) {
    public static Timing defaults() {
      return new Timing(Duration.ofSeconds(30), Duration.ofSeconds(1), 30);
    }
  }

  /**
   * What the committee work has done since the node started.
   *
   * @param challengesSeen ChallengeOpened events handled
   * @param duties challenges this node was drawn for (newly journalled)
   * @param evidenceAccepted evidence messages accepted
   * @param evidenceRefused evidence messages refused
   * @param votesCommitted vote commitments on chain
   * @param votesRevealed votes revealed
   * @param votesUpheld revealed votes that found the provider wrong
   * @param challengesResolved challenges this node resolved on chain
   * @param dutiesMissed duties that ended without a revealed vote
   * @param activeDuties duties being driven now
   */
  public record Stats(
      long challengesSeen,
      long duties,
      long evidenceAccepted,
      long evidenceRefused,
      long votesCommitted,
      long votesRevealed,
      long votesUpheld,
      long challengesResolved,
      long dutiesMissed,
      int activeDuties) {}

  final ChainAccess chain;
  final CommitteeJournal journal;
  final long chainId;
  final String market;
  final String account;
  final Capabilities capabilities;
  final InferenceEngine inference;
  final ReentrantLock transactions;
  final Clock clock;
  final Timing timing;
  private final Map<BigInteger, DutyRun> active = new ConcurrentHashMap<>();
  private final Semaphore checks = new Semaphore(MAX_CHECKS);
  private final StopSignal stop = new StopSignal();

  final AtomicLong challengesSeen = new AtomicLong();
  final AtomicLong duties = new AtomicLong();
  final AtomicLong evidenceAccepted = new AtomicLong();
  final AtomicLong evidenceRefused = new AtomicLong();
  final AtomicLong votesCommitted = new AtomicLong();
  final AtomicLong votesRevealed = new AtomicLong();
  final AtomicLong votesUpheld = new AtomicLong();
  final AtomicLong challengesResolved = new AtomicLong();
  final AtomicLong dutiesMissed = new AtomicLong();

  /**
   * @param transactions the lock every transaction of this account goes under (the job engine's)
   */
  public CommitteeService(
      ChainAccess chain,
      CommitteeJournal journal,
      long chainId,
      String market,
      String account,
      Capabilities capabilities,
      InferenceEngine inference,
      ReentrantLock transactions,
      Clock clock,
      Timing timing) {
    this.chain = chain;
    this.journal = journal;
    this.chainId = chainId;
    this.market = market.toLowerCase(Locale.ROOT);
    this.account = account.toLowerCase(Locale.ROOT);
    this.capabilities = capabilities;
    this.inference = inference;
    this.transactions = transactions;
    this.clock = clock;
    this.timing = timing;
  }

  /** Serves {@code /hyphae/challenge-evidence/1.0.0} on the host. */
  public void serve(Host host) {
    new RequestResponse<>(host, JobProtocols.CHALLENGE_EVIDENCE).serve(this::handle);
  }

  public Stats stats() {
    return new Stats(
        challengesSeen.get(),
        duties.get(),
        evidenceAccepted.get(),
        evidenceRefused.get(),
        votesCommitted.get(),
        votesRevealed.get(),
        votesUpheld.get(),
        challengesResolved.get(),
        dutiesMissed.get(),
        active.size());
  }

  // ---------------------------------------------------------------- chain events

  @Override
  public void onEvent(BlockEvent logged) throws Exception {
    switch (logged.event()) {
      case MarketEvent.ChallengeOpened e -> opened(e);
      case MarketEvent.ChallengeResolved e -> resolvedOnChain(e.challengeId());
      default -> {}
    }
  }

  private void opened(MarketEvent.ChallengeOpened e) throws Exception {
    challengesSeen.incrementAndGet();
    if (!e.members().contains(account)) {
      return;
    }
    CommitteeDuty duty = journalled(e.challengeId()).orElse(null);
    if (duty == null) {
      duty = record(e, specOf(chain.market().events(e.jobId()), e.jobId()));
    }
    if (duty.step().isOpen()) {
      start(duty);
    }
  }

  private void resolvedOnChain(BigInteger challengeId) throws Exception {
    DutyRun run = active.get(challengeId);
    if (run != null) {
      run.resolvedOnChain();
      return;
    }
    Optional<CommitteeDuty> duty = journalled(challengeId);
    if (duty.isPresent() && duty.get().step().isOpen()) {
      if (duty.get().step() != CommitteeDuty.Step.REVEALED) {
        dutiesMissed.incrementAndGet();
      }
      JobJournal.await(
          journal.saveDuty(duty.get().at(CommitteeDuty.Step.DONE, "resolved on chain")));
    }
  }

  /** Journals a new duty for an opened challenge this node sits on. */
  private CommitteeDuty record(MarketEvent.ChallengeOpened e, JobSpec spec) throws Exception {
    CommitteeDuty duty =
        new CommitteeDuty(
            chainId,
            market,
            e.challengeId(),
            e.jobId(),
            e.index(),
            e.shard(),
            Capabilities.of(e.inputLeaf()),
            Capabilities.of(e.outputHash()),
            Capabilities.of(spec.modelHash()),
            Capabilities.of(spec.profileHash()),
            e.challenger(),
            e.commitDeadline(),
            e.revealDeadline(),
            CommitteeDuty.Step.OPEN,
            Optional.empty(),
            "");
    try {
      duty = JobJournal.await(journal.saveDuty(duty));
      duties.incrementAndGet();
      LOG.info(
          "challenge {}: drawn for the committee on job {} shard {} (challenger {}); votes"
              + " until {}, reveals until {}",
          e.challengeId(),
          e.jobId(),
          e.shard(),
          e.challenger(),
          e.commitDeadline(),
          e.revealDeadline());
      return duty;
    } catch (JournalException.InvalidTransition raced) {
      // Recorded meanwhile (the evidence path and the watcher both saw it): keep that one.
      return journalled(e.challengeId()).orElseThrow(() -> raced);
    }
  }

  private static JobSpec specOf(List<MarketEvent> events, BigInteger jobId) {
    for (MarketEvent e : events) {
      if (e instanceof MarketEvent.JobPosted p) {
        return p.spec();
      }
    }
    throw new ChainException("job " + jobId + " has no JobPosted event on chain");
  }

  private Optional<CommitteeDuty> journalled(BigInteger challengeId) throws Exception {
    return JobJournal.await(journal.duty(chainId, market, challengeId));
  }

  // ---------------------------------------------------------------- evidence

  /** Answers one evidence message; never fails the future (problems are refusals). */
  public CompletableFuture<JobProto.EvidenceAck> handle(
      PeerId from, JobProto.ChallengeEvidence request) {
    BigInteger challengeId;
    try {
      challengeId = WireValues.uint256(request.getChallengeId(), "challenge_id");
    } catch (WireValues.WireFormatException e) {
      return refused(new Evidence.Refused(Code.INVALID, e.getMessage()));
    }
    String sender = NodeIdentity.accountOf(from).map(a -> a.toLowerCase(Locale.ROOT)).orElse(null);
    // Hashing and decoding up to 64 MiB is no work for the event loop: a virtual thread does it.
    if (isStopping() || !checks.tryAcquire()) {
      return refused(new Evidence.Refused(Code.BUSY, "too much evidence being checked"));
    }
    CompletableFuture<JobProto.EvidenceAck> out = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("hyphae-evidence-" + challengeId)
        .start(
            () -> {
              try {
                byte[] input = request.getInput().toByteArray();
                byte[] output = request.getOutput().toByteArray();
                DutyRun run = active.get(challengeId);
                out.complete(
                    run != null
                        ? run.offer(sender, input, output)
                        : lookUpAndOffer(challengeId, sender, input, output));
              } catch (ChainException e) {
                out.complete(
                    refusal(Code.BUSY, "cannot read challenge from the chain: " + e.getMessage()));
              } catch (Exception e) {
                out.complete(refusal(Code.BUSY, "evidence not taken: " + e.getMessage()));
              } finally {
                checks.release();
              }
            });
    return out;
  }

  /** Evidence for a challenge with no running duty: from the journal, else from the chain. */
  private JobProto.EvidenceAck lookUpAndOffer(
      BigInteger challengeId, String sender, byte[] input, byte[] output) throws Exception {
    Optional<CommitteeDuty> known = journalled(challengeId);
    CommitteeDuty duty;
    if (known.isPresent()) {
      duty = known.get();
      if (!duty.step().isOpen()) {
        return count(
            new Evidence.Refused(
                Code.INVALID, "challenge " + challengeId + " is over for this node"));
      }
    } else {
      Market m = chain.market();
      Optional<Challenge> c = m.challengeOf(challengeId);
      if (c.isEmpty()) {
        return count(
            new Evidence.Refused(Code.UNKNOWN, "no challenge " + challengeId + " on chain"));
      }
      if (!c.get().isMember(account)) {
        return count(
            new Evidence.Refused(
                Code.FORBIDDEN,
                "this node (" + account + ") is not on challenge " + challengeId + "'s committee"));
      }
      List<MarketEvent> events = m.events(c.get().jobId());
      MarketEvent.ChallengeOpened opened =
          events.stream()
              .filter(MarketEvent.ChallengeOpened.class::isInstance)
              .map(MarketEvent.ChallengeOpened.class::cast)
              .filter(e -> e.challengeId().equals(challengeId))
              .findFirst()
              .orElseThrow(
                  () -> new ChainException("challenge " + challengeId + " has no opening event"));
      duty = record(opened, specOf(events, c.get().jobId()));
    }
    DutyRun run = start(duty);
    if (run == null) {
      return refusal(Code.BUSY, MAX_ACTIVE_DUTIES + " challenges are being worked on already");
    }
    return run.offer(sender, input, output);
  }

  JobProto.EvidenceAck count(Evidence.Refused refused) {
    evidenceRefused.incrementAndGet();
    LOG.debug("evidence refused: {} {}", refused.code(), refused.message());
    return refusal(refused.code(), refused.message());
  }

  private CompletableFuture<JobProto.EvidenceAck> refused(Evidence.Refused refused) {
    return done(count(refused));
  }

  static JobProto.EvidenceAck accepted() {
    return JobProto.EvidenceAck.newBuilder()
        .setAccepted(JobProto.Accepted.getDefaultInstance())
        .build();
  }

  static JobProto.EvidenceAck refusal(Code code, String message) {
    return JobProto.EvidenceAck.newBuilder().setRefusal(WireValues.refusal(code, message)).build();
  }

  private static CompletableFuture<JobProto.EvidenceAck> done(JobProto.EvidenceAck ack) {
    return CompletableFuture.completedFuture(ack);
  }

  // ---------------------------------------------------------------- runs

  /** Restarts every open duty in the journal; returns how many were started. */
  public int resume() throws Exception {
    int started = 0;
    for (CommitteeDuty duty : JobJournal.await(journal.openDuties(MAX_ACTIVE_DUTIES))) {
      if (start(duty) != null) {
        started++;
      }
    }
    if (started > 0) {
      LOG.info("resumed {} committee duties from the journal", started);
    }
    return started;
  }

  /** The duty's run: the running one, a new one, or null when stopping or full. */
  private synchronized DutyRun start(CommitteeDuty duty) {
    DutyRun run = active.get(duty.challengeId());
    if (run != null) {
      return run;
    }
    if (isStopping() || !duty.step().isOpen()) {
      return null;
    }
    if (active.size() >= MAX_ACTIVE_DUTIES) {
      LOG.error(
          "{} committee duties run already; challenge {} waits for the next restart",
          MAX_ACTIVE_DUTIES,
          duty.challengeId());
      return null;
    }
    DutyRun created = new DutyRun(this, duty);
    active.put(duty.challengeId(), created);
    Thread.ofVirtual()
        .name("hyphae-committee-" + duty.challengeId())
        .start(
            () -> {
              try {
                created.run();
              } finally {
                active.remove(duty.challengeId(), created);
              }
            });
    return created;
  }

  /** Waits up to {@code d}; true when stopping (the caller should give up). */
  boolean pause(Duration d) {
    return stop.pause(d);
  }

  boolean isStopping() {
    return stop.isStopping();
  }

  /** Stops every duty (they resume from the journal next time) and waits for them briefly. */
  @Override
  public void close() {
    stop.stop();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (DutyRun run : List.copyOf(active.values())) {
      run.awaitEnd(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
    }
  }
}
