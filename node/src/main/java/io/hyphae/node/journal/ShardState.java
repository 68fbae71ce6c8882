package io.hyphae.node.journal;

/** How far one of the node's shards of a job got. */
public enum ShardState {
  /** Not started (or started and interrupted by a restart). */
  PENDING,
  /** Running now. */
  RUNNING,
  /** Done; its output hash is recorded. Final. */
  DONE;

  /** PENDING → RUNNING → DONE, and RUNNING → PENDING when a run is abandoned. */
  public boolean canMoveTo(ShardState next) {
    return next == this
        || switch (this) {
          case PENDING -> next == RUNNING;
          case RUNNING -> next == PENDING || next == DONE;
          case DONE -> false;
        };
  }
}
