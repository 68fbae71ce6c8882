package io.hyphae.wallet.job;

import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.MarketEvent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A job as its market events tell it: the spec, the job's state and every assignment's record as
 * the chain now holds it (the record a later call must pass). Pure: built from an event list.
 */
public record JobLedger(
    BigInteger jobId,
    Optional<JobSpec> spec,
    Optional<String> requester,
    JobState state,
    List<Assignment> assignments,
    BigInteger paid,
    BigInteger refunded) {

  /** The job's state on chain. */
  public enum JobState {
    UNKNOWN,
    OPEN,
    ASSIGNED,
    CANCELLED
  }

  public JobLedger {
    assignments = List.copyOf(assignments);
  }

  /** The ledger of {@code jobId} from its events, in emission order. */
  public static JobLedger of(BigInteger jobId, List<MarketEvent> events) {
    JobSpec spec = null;
    String requester = null;
    JobState state = JobState.UNKNOWN;
    TreeMap<Integer, Assignment> byIndex = new TreeMap<>();
    BigInteger paid = BigInteger.ZERO;
    BigInteger refunded = BigInteger.ZERO;
    for (MarketEvent e : events) {
      switch (e) {
        case MarketEvent.JobPosted p -> {
          spec = p.spec();
          requester = p.requester();
          state = JobState.OPEN;
        }
        case MarketEvent.JobCancelled c -> {
          state = JobState.CANCELLED;
          refunded = refunded.add(c.refund());
        }
        case MarketEvent.JobAssigned a -> {
          state = JobState.ASSIGNED;
          refunded = refunded.add(a.refund());
        }
        case MarketEvent.AssignmentCreated c -> {
          byIndex.put(c.assignment().index(), c.assignment());
          if (spec == null) {
            requester = c.assignment().requester();
          }
        }
        case MarketEvent.ResultCommitted c ->
            byIndex.computeIfPresent(
                c.index(),
                (i, a) ->
                    a.with(Assignment.Status.COMMITTED, c.resultRoot(), c.challengeDeadline()));
        case MarketEvent.AssignmentFinalized f -> {
          byIndex.computeIfPresent(f.index(), (i, a) -> a.with(Assignment.Status.FINALIZED));
          paid = paid.add(f.payment());
        }
        case MarketEvent.AssignmentReclaimed r -> {
          byIndex.computeIfPresent(r.index(), (i, a) -> a.with(Assignment.Status.RECLAIMED));
          refunded = refunded.add(r.refund());
        }
        case MarketEvent.LeafDemanded d ->
            byIndex.computeIfPresent(d.index(), (i, a) -> a.with(Assignment.Status.LEAF_DEMANDED));
        case MarketEvent.LeafAnswered l ->
            byIndex.computeIfPresent(
                l.index(),
                (i, a) ->
                    a.with(Assignment.Status.COMMITTED, a.resultRoot(), l.challengeDeadline()));
        case MarketEvent.LeafWithheld w -> {
          byIndex.computeIfPresent(w.index(), (i, a) -> a.with(Assignment.Status.SLASHED));
          refunded = refunded.add(w.refund());
        }
        case MarketEvent.ChallengeOpened c ->
            byIndex.computeIfPresent(c.index(), (i, a) -> a.with(Assignment.Status.CHALLENGED));
        case MarketEvent.ChallengeResolved r -> {
          boolean upheld = r.verdict() == io.hyphae.contracts.market.Challenge.Verdict.UPHELD;
          Assignment a = byIndex.get(r.index());
          if (a != null) {
            byIndex.put(
                r.index(),
                a.with(upheld ? Assignment.Status.SLASHED : Assignment.Status.COMMITTED));
            if (upheld) {
              // The contract credits the requester the assignment's price (withChallenges agrees).
              refunded = refunded.add(a.payment());
            }
          }
        }
        case MarketEvent.VoteCommitted v -> {}
        case MarketEvent.VoteRevealed v -> {}
        case MarketEvent.MemberPenalized m -> {}
      }
    }
    return new JobLedger(
        jobId,
        Optional.ofNullable(spec),
        Optional.ofNullable(requester),
        state,
        new ArrayList<>(byIndex.values()),
        paid,
        refunded);
  }

  /**
   * This ledger with the job's challenges folded in (the job's own events do not carry them): an
   * open challenge makes its assignment Challenged, an upheld one Slashed (the requester refunded
   * the assignment's price); a rejected or void one leaves it Committed. The latest challenge of an
   * assignment counts.
   */
  public JobLedger withChallenges(List<ChallengeState> challenges) {
    TreeMap<Integer, ChallengeState> latest = new TreeMap<>();
    for (ChallengeState c : challenges) {
      if (c.jobId().equals(jobId)) {
        latest.put(c.index(), c);
      }
    }
    if (latest.isEmpty()) {
      return this;
    }
    List<Assignment> out = new ArrayList<>();
    BigInteger refund = refunded;
    for (Assignment a : assignments) {
      ChallengeState c = latest.get(a.index());
      if (c != null && a.status() == Assignment.Status.COMMITTED) {
        if (!c.resolved()) {
          a = a.with(Assignment.Status.CHALLENGED);
        } else if (c.resolution().get().verdict() == Verdict.UPHELD) {
          a = a.with(Assignment.Status.SLASHED);
          refund = refund.add(a.payment());
        }
      }
      out.add(a);
    }
    return new JobLedger(jobId, spec, requester, state, out, paid, refund);
  }

  /** True when no assignment can change any more (every one ended) or the job was cancelled. */
  public boolean isFinal() {
    if (state == JobState.CANCELLED) {
      return true;
    }
    return state == JobState.ASSIGNED && assignments.stream().allMatch(a -> ended(a.status()));
  }

  public static boolean ended(Assignment.Status s) {
    return s == Assignment.Status.FINALIZED
        || s == Assignment.Status.RECLAIMED
        || s == Assignment.Status.SLASHED;
  }

  public Optional<Assignment> assignment(int index) {
    return assignments.stream().filter(a -> a.index() == index).findFirst();
  }
}
