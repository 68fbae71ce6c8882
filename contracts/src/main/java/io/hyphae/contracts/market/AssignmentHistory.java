package io.hyphae.contracts.market;

import java.util.List;
import java.util.Optional;

/**
 * An assignment's record as the market holds it now, replayed from its job's events ({@link
 * Market#events}): what a call that takes the record as recorded ({@code finalize}, {@code
 * challenge}, {@code resolve}...) needs when the caller did not follow the assignment itself.
 */
public final class AssignmentHistory {

  private AssignmentHistory() {}

  /** The latest record of assignment {@code index}, or empty when the events never created it. */
  public static Optional<Assignment> latest(List<MarketEvent> jobEvents, int index) {
    Assignment a = null;
    for (MarketEvent event : jobEvents) {
      if (event instanceof MarketEvent.AssignmentCreated c) {
        if (c.assignment().index() == index) {
          a = c.assignment();
        }
        continue;
      }
      if (a == null) {
        continue;
      }
      a =
          switch (event) {
            case MarketEvent.ResultCommitted r when r.index() == index ->
                a.with(Assignment.Status.COMMITTED, r.resultRoot(), r.challengeDeadline());
            case MarketEvent.LeafDemanded d when d.index() == index ->
                a.with(Assignment.Status.LEAF_DEMANDED);
            case MarketEvent.LeafAnswered l when l.index() == index ->
                a.with(Assignment.Status.COMMITTED, a.resultRoot(), l.challengeDeadline());
            case MarketEvent.LeafWithheld w when w.index() == index ->
                a.with(Assignment.Status.SLASHED);
            case MarketEvent.ChallengeOpened o when o.index() == index ->
                a.with(Assignment.Status.CHALLENGED);
            case MarketEvent.ChallengeResolved r when r.index() == index ->
                a.with(
                    r.verdict() == Challenge.Verdict.UPHELD
                        ? Assignment.Status.SLASHED
                        : Assignment.Status.COMMITTED);
            case MarketEvent.AssignmentFinalized f when f.index() == index ->
                a.with(Assignment.Status.FINALIZED);
            case MarketEvent.AssignmentReclaimed r when r.index() == index ->
                a.with(Assignment.Status.RECLAIMED);
            default -> a;
          };
    }
    return Optional.ofNullable(a);
  }
}
