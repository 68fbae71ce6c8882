package io.hyphae.node.journal;

import java.time.Instant;
import java.util.List;

/**
 * A job as the journal holds it.
 *
 * @param key the job's identity
 * @param state where it stands
 * @param shards the node's shards of it, by index (empty until assigned)
 * @param updatedAt when it last changed
 */
public record JobRecord(JobKey key, JobState state, List<ShardProgress> shards, Instant updatedAt) {
  public JobRecord {
    shards = List.copyOf(shards);
  }

  /** Whether every shard of the node's is DONE (and there is at least one). */
  public boolean allShardsDone() {
    return !shards.isEmpty() && shards.stream().allMatch(s -> s.state() == ShardState.DONE);
  }
}
