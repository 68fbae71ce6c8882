package io.hyphae.node.journal;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a job stands, with the lifecycle's names (the same on chain, in the node and in the CLI).
 * The allowed moves are the lifecycle's: a job is bid on, assigned, executed, delivered, committed,
 * possibly challenged, and finalized; or reclaimed by its requester after a missed deadline, or
 * slashed when a challenge of its result was upheld.
 */
public enum JobState {
  /** Seen on chain; the node may bid. */
  POSTED,
  /** The node sent a signed bid. */
  BID,
  /** The requester assigned shards to the node. */
  ASSIGNED,
  /** The node is running its shards. */
  EXECUTING,
  /** Results and signed receipts went to the requester. */
  DELIVERED,
  /** The result root is committed on chain; the challenge window runs. */
  COMMITTED,
  /**
   * A shard was challenged; a committee re-executes it. A rejected (or void) challenge returns the
   * job to COMMITTED.
   */
  CHALLENGED,
  /** Settled: payment released, collateral unlocked. Terminal. */
  FINALIZED,
  /** The deadline was missed and the requester reclaimed the escrow. Terminal. */
  RECLAIMED,
  /** A challenge was upheld: the node's collateral was slashed, the job is lost. Terminal. */
  SLASHED;

  /** The states a job may enter the journal in: the node may first hear of it at any of these. */
  public static final Set<JobState> INITIAL = EnumSet.of(POSTED, BID, ASSIGNED);

  /** Whether a job can go from this state to {@code next} (staying put is always allowed). */
  public boolean canMoveTo(JobState next) {
    return next == this || successors().contains(next);
  }

  /** No move leaves a terminal state; the node owes nothing for such a job. */
  public boolean isTerminal() {
    return this == FINALIZED || this == RECLAIMED || this == SLASHED;
  }

  /** The states directly reachable from this one. */
  public Set<JobState> successors() {
    return switch (this) {
      case POSTED -> EnumSet.of(BID);
      case BID -> EnumSet.of(ASSIGNED);
      case ASSIGNED -> EnumSet.of(EXECUTING, RECLAIMED);
      case EXECUTING -> EnumSet.of(DELIVERED, RECLAIMED);
      case DELIVERED -> EnumSet.of(COMMITTED, RECLAIMED);
      case COMMITTED -> EnumSet.of(CHALLENGED, FINALIZED, SLASHED);
      case CHALLENGED -> EnumSet.of(COMMITTED, FINALIZED, SLASHED);
      case FINALIZED, RECLAIMED, SLASHED -> EnumSet.noneOf(JobState.class);
    };
  }
}
