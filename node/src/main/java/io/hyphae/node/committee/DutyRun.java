package io.hyphae.node.committee;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.AssignmentHistory;
import io.hyphae.contracts.market.Challenge;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.InferenceException;
import io.hyphae.node.inference.InferenceOptions;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.RunningShard;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.ShardResult;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.journal.CommitteeDuty;
import io.hyphae.node.journal.CommitteeDuty.Step;
import io.hyphae.node.journal.CommitteeJournal;
import io.hyphae.node.journal.JobJournal;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One committee duty driven from its journalled step to DONE, on its own virtual thread:
 *
 * <ol>
 *   <li>OPEN: wait for valid evidence until shortly before the commit deadline, re-run the shard,
 *       decide ({@link Decision}); no evidence means "rejected". Journal the vote with a random
 *       32-byte salt (VOTED) before anything goes to the chain.
 *   <li>VOTED: {@code commitVote} before the commit deadline (COMMITTED).
 *   <li>COMMITTED: once the wall clock is past the commit deadline, {@code revealVote}, again after
 *       a pause while the chain answers {@code RevealNotOpen} (block time moves only with blocks),
 *       at most {@code maxTries} times (REVEALED).
 *   <li>REVEALED: once every member revealed or the reveal deadline passed, {@code resolve} with
 *       the challenged assignment replayed from the job's events; a challenge someone else resolved
 *       is simply done (DONE).
 * </ol>
 *
 * A deadline missed ends the duty (DONE, counted as missed). A restart resumes at the journalled
 * step; accepted evidence is journalled too (until the vote is), so a duty resumed at OPEN re-runs
 * it.
 */
final class DutyRun {

  private static final Logger LOG = LoggerFactory.getLogger(DutyRun.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** After the reveal deadline, how long the run still tries to resolve. */
  private static final Duration RESOLVE_GRACE = Duration.ofMinutes(10);

  private static final Set<String> DUTY_ENDING_ERRORS =
      Set.of("NotCommitteeMember", "UnknownChallenge", "ChallengeAlreadyResolved");

  /** The run ends now; the journal says where a restart resumes. */
  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;

    Stop(String message) {
      super(message, null, false, false);
    }
  }

  private final CommitteeService s;
  private final CompletableFuture<Evidence> evidence = new CompletableFuture<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final ReentrantLock offering = new ReentrantLock();
  private volatile CommitteeDuty duty;
  private volatile boolean resolvedOnChain;

  DutyRun(CommitteeService service, CommitteeDuty duty) {
    this.s = service;
    this.duty = duty;
  }

  /** Takes evidence for this duty (journalled before it is acknowledged), or says why not. */
  JobProto.EvidenceAck offer(String sender, byte[] input, byte[] output) {
    offering.lock();
    try {
      return offerLocked(sender, input, output);
    } finally {
      offering.unlock();
    }
  }

  private JobProto.EvidenceAck offerLocked(String sender, byte[] input, byte[] output) {
    CommitteeDuty d = duty;
    Evidence.Checked checked = Evidence.check(d, sender, input, output);
    if (checked instanceof Evidence.Invalid invalid) {
      return s.count(invalid.refused());
    }
    Evidence valid = ((Evidence.Valid) checked).evidence();
    if (evidence.isDone()) {
      s.evidenceAccepted.incrementAndGet();
      return CommitteeService.accepted(); // the same leaf and hash: the same evidence again
    }
    if (d.step() != Step.OPEN) {
      return s.count(
          new Evidence.Refused(
              Code.INVALID, "this node voted on challenge " + d.challengeId() + " already"));
    }
    if (wallSeconds() > d.commitDeadline()) {
      return s.count(
          new Evidence.Refused(
              Code.INVALID, "the commit deadline " + d.commitDeadline() + " has passed"));
    }
    try {
      JobJournal.await(
          s.journal.saveEvidence(d.chainId(), d.market(), d.challengeId(), input, output));
    } catch (Exception e) {
      return CommitteeService.refusal(Code.BUSY, "cannot keep the evidence now: " + e.getMessage());
    }
    evidence.complete(valid);
    s.evidenceAccepted.incrementAndGet();
    LOG.info(
        "challenge {}: evidence accepted from {} ({} rows)",
        d.challengeId(),
        sender,
        valid.input().rowCount());
    return CommitteeService.accepted();
  }

  void resolvedOnChain() {
    resolvedOnChain = true;
  }

  void awaitEnd(Duration d) {
    try {
      ended.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void run() {
    try {
      drive();
    } catch (Stop stop) {
      if (resolvedOnChain && !s.isStopping()) {
        try {
          missed("the challenge was resolved before this node voted");
        } catch (Exception e) {
          LOG.warn("challenge {}: not journalled as done: {}", duty.challengeId(), e.toString());
        }
        return;
      }
      LOG.info("challenge {}: paused: {}", duty.challengeId(), stop.getMessage());
    } catch (Exception e) {
      if (!s.isStopping()) {
        LOG.warn(
            "challenge {}: duty failed at {}; it resumes at the next start: {}",
            duty.challengeId(),
            duty.step(),
            e.toString());
      }
    } finally {
      ended.countDown();
    }
  }

  private void drive() throws Exception {
    if (duty.step() == Step.OPEN) {
      restoreEvidence();
      Decision decision = decide();
      CommitteeDuty.Vote vote = new CommitteeDuty.Vote(decision.upheld(), salt());
      duty = JobJournal.await(s.journal.saveDuty(duty.voted(vote, decision.reason())));
      LOG.info(
          "challenge {}: votes {}: {}",
          duty.challengeId(),
          decision.upheld() ? "UPHELD (the provider was wrong)" : "REJECTED",
          decision.reason());
    }
    if (duty.step() == Step.VOTED && commit()) {
      duty = save(Step.COMMITTED, duty.note());
      s.votesCommitted.incrementAndGet();
    }
    if (duty.step() == Step.COMMITTED && reveal()) {
      duty = save(Step.REVEALED, duty.note());
      s.votesRevealed.incrementAndGet();
      if (duty.vote().orElseThrow().upheld()) {
        s.votesUpheld.incrementAndGet();
      }
    }
    if (duty.step() == Step.REVEALED) {
      resolve();
    }
  }

  /** Evidence accepted before a restart, from the journal (checked again all the same). */
  private void restoreEvidence() throws Exception {
    Optional<CommitteeJournal.StoredEvidence> kept =
        JobJournal.await(s.journal.evidence(duty.chainId(), duty.market(), duty.challengeId()));
    if (kept.isPresent()
        && Evidence.check(duty, duty.challenger(), kept.get().input(), kept.get().output())
            instanceof Evidence.Valid valid) {
      evidence.complete(valid.evidence());
      LOG.info("challenge {}: evidence restored from the journal", duty.challengeId());
    }
  }

  private static Bytes32 salt() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Bytes32.wrap(bytes);
  }

  private long wallSeconds() {
    return s.clock.instant().getEpochSecond();
  }

  private void pauseOrStop(Duration d) throws Stop {
    if (s.pause(d)) {
      throw new Stop("the node is stopping; the duty resumes at the next start");
    }
  }

  private CommitteeDuty save(Step step, String note) throws Exception {
    return JobJournal.await(s.journal.saveDuty(duty.at(step, note)));
  }

  /** Ends the duty without a revealed vote. */
  private void missed(String why) throws Exception {
    LOG.warn("challenge {}: duty ends at {}: {}", duty.challengeId(), duty.step(), why);
    s.dutiesMissed.incrementAndGet();
    duty = save(Step.DONE, why);
  }

  // ---------------------------------------------------------------- decide

  private Decision decide() throws Exception {
    CommitteeDuty d = duty;
    Optional<ExecutionProfile> profile = s.capabilities.profile(d.profileHash());
    if (profile.isEmpty()) {
      return Decision.cannotRerun("this node cannot run profile " + d.profileHash());
    }
    if (!s.capabilities.serves(d.modelHash())) {
      return Decision.cannotRerun("this node does not serve model " + d.modelHash());
    }
    long margin =
        Math.min(
            s.timing.voteMargin().toSeconds(),
            Math.max(1, (d.commitDeadline() - wallSeconds()) / 3));
    long decideBy = d.commitDeadline() - margin;
    while (true) {
      long leftMs = decideBy * 1000 - s.clock.millis();
      if (leftMs <= 0) {
        return Decision.noEvidence();
      }
      Evidence ev;
      try {
        ev = evidence.get(Math.min(leftMs, 1000), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (s.isStopping() || resolvedOnChain) {
          throw new Stop("no evidence yet");
        }
        continue;
      }
      Optional<Decision> decided = rerun(d, profile.get(), ev, decideBy);
      if (decided.isPresent()) {
        return decided.get();
      }
      pauseOrStop(s.timing.retryDelay());
    }
  }

  /** Re-runs the shard; empty when the engine was busy (try again while there is time). */
  private Optional<Decision> rerun(
      CommitteeDuty d, ExecutionProfile profile, Evidence ev, long decideBy) throws Stop {
    RunningShard running =
        s.inference.submit(
            new ShardRequest(
                d.modelHash(), profile, d.shard(), ev.input(), InferenceOptions.DEFAULT));
    long waitMs = Math.max(1000, d.commitDeadline() * 1000 - s.clock.millis());
    ShardResult result;
    try {
      result = running.result().get(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      running.cancel();
      Thread.currentThread().interrupt();
      throw new Stop("interrupted");
    } catch (TimeoutException e) {
      running.cancel();
      return Optional.of(Decision.cannotRerun("the re-run took past the commit deadline"));
    } catch (ExecutionException e) {
      InferenceException failure = OnnxInferenceEngine.failure(e);
      boolean transientFailure =
          failure.reason() == InferenceException.Reason.BUSY
              || failure.reason() == InferenceException.Reason.TIMED_OUT;
      if (transientFailure && wallSeconds() < decideBy) {
        return Optional.empty();
      }
      return Optional.of(Decision.cannotRerun(failure.getMessage()));
    }
    return Optional.of(Decision.of(profile, ev.output(), result.output()));
  }

  // ---------------------------------------------------------------- commit and reveal

  /** Sends the commitment; false when the duty ended instead. */
  private boolean commit() throws Exception {
    CommitteeDuty.Vote vote = duty.vote().orElseThrow();
    int attempt = 0;
    while (true) {
      s.transactions.lock();
      try {
        s.chain
            .market()
            .commitVote(duty.challengeId(), vote.upheld(), Capabilities.toMarket(vote.salt()));
        return true;
      } catch (ContractRevertException e) {
        if ("AlreadyCommitted".equals(e.errorName())) {
          return true; // sent before a restart
        }
        missed("the vote's commitment was refused: " + e.getMessage());
        return false;
      } catch (ChainException e) {
        if (wallSeconds() > duty.commitDeadline()) {
          missed("could not commit the vote before the deadline: " + e.getMessage());
          return false;
        }
        LOG.info("challenge {}: commit failed, retrying: {}", duty.challengeId(), e.getMessage());
      } finally {
        s.transactions.unlock();
      }
      pauseOrStop(s.timing.retryDelay().multipliedBy(Math.min(++attempt, 5)));
    }
  }

  /** Reveals after the commit deadline; false when the duty ended instead. */
  private boolean reveal() throws Exception {
    // Block time moves only when blocks are mined: wait on the wall clock, then send.
    while (wallSeconds() <= duty.commitDeadline()) {
      long leftMs = (duty.commitDeadline() + 1) * 1000 - s.clock.millis();
      pauseOrStop(Duration.ofMillis(Math.max(50, Math.min(leftMs, 1000))));
    }
    CommitteeDuty.Vote vote = duty.vote().orElseThrow();
    int notOpen = 0;
    int attempt = 0;
    while (true) {
      s.transactions.lock();
      try {
        s.chain
            .market()
            .revealVote(duty.challengeId(), vote.upheld(), Capabilities.toMarket(vote.salt()));
        return true;
      } catch (ContractRevertException e) {
        switch (e.errorName()) {
          case "AlreadyRevealed" -> {
            return true;
          }
          case "RevealNotOpen" -> {
            if (++notOpen > s.timing.maxTries()) {
              missed("the chain kept refusing the reveal as too early: " + e.getMessage());
              return false;
            }
          }
          default -> {
            missed("the reveal was refused: " + e.getMessage());
            return false;
          }
        }
      } catch (ChainException e) {
        if (wallSeconds() > duty.revealDeadline()) {
          missed("could not reveal before the deadline: " + e.getMessage());
          return false;
        }
        LOG.info("challenge {}: reveal failed, retrying: {}", duty.challengeId(), e.getMessage());
      } finally {
        s.transactions.unlock();
      }
      pauseOrStop(s.timing.retryDelay().multipliedBy(Math.min(++attempt, 5)));
    }
  }

  // ---------------------------------------------------------------- resolve

  private void resolve() throws Exception {
    int tries = 0;
    while (true) {
      if (resolvedOnChain) {
        duty = save(Step.DONE, duty.note() + "; resolved on chain");
        return;
      }
      if (wallSeconds() > duty.revealDeadline() + RESOLVE_GRACE.toSeconds()) {
        duty = save(Step.DONE, duty.note() + "; left unresolved");
        return;
      }
      try {
        if (resolveOnce()) {
          return;
        }
      } catch (ChainException e) {
        LOG.info("challenge {}: resolve failed, retrying: {}", duty.challengeId(), e.getMessage());
        if (++tries > s.timing.maxTries()) {
          duty = save(Step.DONE, duty.note() + "; resolve failed: " + e.getMessage());
          return;
        }
      }
      pauseOrStop(s.timing.retryDelay());
    }
  }

  /** One look at the challenge and, when it can be decided, one resolve; true when done. */
  private boolean resolveOnce() throws Exception {
    Challenge c =
        s.chain
            .market()
            .challengeOf(duty.challengeId())
            .orElseThrow(() -> new ChainException("challenge " + duty.challengeId() + " vanished"));
    if (c.resolved()) {
      duty = save(Step.DONE, duty.note() + "; resolved");
      return true;
    }
    if (c.revealed() < c.members().size() && wallSeconds() <= c.revealDeadline()) {
      return false;
    }
    Optional<Assignment> challenged =
        AssignmentHistory.latest(s.chain.market().events(duty.jobId()), duty.index());
    if (challenged.isEmpty() || challenged.get().status() != Assignment.Status.CHALLENGED) {
      return false; // the watcher's view may lag the chain's; look again
    }
    s.transactions.lock();
    try {
      Challenge.Verdict verdict = s.chain.market().resolve(duty.challengeId(), challenged.get());
      s.challengesResolved.incrementAndGet();
      LOG.info("challenge {}: resolved {}", duty.challengeId(), verdict);
      duty = save(Step.DONE, duty.note() + "; resolved " + verdict);
      return true;
    } catch (ContractRevertException e) {
      if (DUTY_ENDING_ERRORS.contains(e.errorName())) {
        duty = save(Step.DONE, duty.note() + "; resolved");
        return true;
      }
      if (!"ChallengeNotDecidable".equals(e.errorName())
          && !"AssignmentMismatch".equals(e.errorName())) {
        duty = save(Step.DONE, duty.note() + "; resolve refused: " + e.getMessage());
        return true;
      }
      return false; // block time behind the wall clock, or the record moved: look again
    } finally {
      s.transactions.unlock();
    }
  }
}
