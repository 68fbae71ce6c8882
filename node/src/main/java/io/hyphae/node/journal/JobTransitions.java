package io.hyphae.node.journal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The journal's rules as pure functions: given what a job looks like now and a requested change,
 * the job afterwards, or a {@link JournalException} saying why the change is refused. Every {@link
 * JobJournal} applies exactly these rules, whatever stores the result.
 */
public final class JobTransitions {

  private JobTransitions() {}

  /**
   * The rules of {@link JobJournal#upsert}. Returns {@code current} itself when nothing changes.
   */
  public static JobRecord upsert(
      Optional<JobRecord> current, JobKey key, JobState state, List<Integer> shards, Instant now) {
    Set<Integer> wanted = shardSet(key, shards);
    if (current.isEmpty()) {
      if (!JobState.INITIAL.contains(state)) {
        throw new JournalException.InvalidTransition(
            key
                + " is not in the journal; a job enters it as one of "
                + JobState.INITIAL
                + ", not "
                + state);
      }
      return new JobRecord(key, state, wanted.stream().map(ShardProgress::pending).toList(), now);
    }
    JobRecord job = current.get();
    Set<Integer> have = new TreeSet<>();
    job.shards().forEach(s -> have.add(s.shard()));
    if (!wanted.isEmpty() && !have.isEmpty() && !have.equals(wanted)) {
      throw new JournalException(
          key + " has shards " + have + ", not " + wanted + ": assignments do not change");
    }
    List<ShardProgress> shardsAfter =
        have.isEmpty() ? wanted.stream().map(ShardProgress::pending).toList() : job.shards();
    JobRecord withShards = new JobRecord(key, job.state(), shardsAfter, job.updatedAt());
    checkMove(withShards, state);
    if (state == job.state() && shardsAfter.equals(job.shards())) {
      return job;
    }
    return new JobRecord(key, state, shardsAfter, now);
  }

  /**
   * The rules of {@link JobJournal#update}. Returns {@code current} itself when nothing changes.
   */
  public static JobRecord update(
      Optional<JobRecord> current,
      JobKey key,
      List<ShardProgress> changes,
      Optional<JobState> newState,
      Instant now) {
    JobRecord job =
        current.orElseThrow(() -> new JournalException.NotFound(key + " is not in the journal"));
    Map<Integer, ShardProgress> byIndex = new TreeMap<>();
    job.shards().forEach(s -> byIndex.put(s.shard(), s));
    for (ShardProgress change : changes) {
      ShardProgress now0 = byIndex.get(change.shard());
      if (now0 == null) {
        throw new JournalException.NotFound(
            "shard " + change.shard() + " of " + key + " is not the node's");
      }
      if (!now0.state().canMoveTo(change.state())
          || now0.state() == ShardState.DONE && !now0.equals(change)) {
        throw new JournalException.InvalidTransition(
            "shard "
                + change.shard()
                + " of "
                + key
                + " cannot go from "
                + now0.state()
                + " to "
                + change.state()
                + (now0.state() == ShardState.DONE
                    ? " (it is DONE with output " + now0.outputHash().orElseThrow() + ")"
                    : ""));
      }
      byIndex.put(change.shard(), change);
    }
    List<ShardProgress> shardsAfter = List.copyOf(byIndex.values());
    JobRecord withShards = new JobRecord(key, job.state(), shardsAfter, job.updatedAt());
    JobState stateAfter = newState.orElse(job.state());
    checkMove(withShards, stateAfter);
    if (stateAfter == job.state() && shardsAfter.equals(job.shards())) {
      return job;
    }
    return new JobRecord(key, stateAfter, shardsAfter, now);
  }

  /** Checks values to store with a job: names, sizes, count. */
  public static void checkData(JobKey key, java.util.Map<String, byte[]> data) {
    if (data.size() > 2 * JobJournal.MAX_SHARDS_PER_JOB + 16) {
      throw new JournalException(key + ": too many values at once (" + data.size() + ")");
    }
    for (var e : data.entrySet()) {
      if (!e.getKey().matches(JobJournal.DATA_NAME_PATTERN)) {
        throw new JournalException(key + ": '" + e.getKey() + "' is not a value name");
      }
      if (e.getValue() == null || e.getValue().length > JobJournal.MAX_DATA_BYTES) {
        throw new JournalException(
            key + ": value " + e.getKey() + " is missing or over " + JobJournal.MAX_DATA_BYTES);
      }
    }
  }

  /** Checks a chain cursor's name and block. */
  public static void checkCursor(String name, long block) {
    if (name == null || !name.matches(JobJournal.DATA_NAME_PATTERN)) {
      throw new JournalException("'" + name + "' is not a cursor name");
    }
    if (block < 0) {
      throw new JournalException("cursor " + name + ": block must be non-negative, got " + block);
    }
  }

  /** The rule of {@link JobJournal#forget}: only a job the node does not owe may go. */
  public static void checkForget(JobRecord job) {
    if (job.state() != JobState.POSTED && job.state() != JobState.BID) {
      throw new JournalException.InvalidTransition(
          job.key() + " is " + job.state() + ": the node owes it, the journal keeps it");
    }
  }

  private static void checkMove(JobRecord job, JobState next) {
    if (!job.state().canMoveTo(next)) {
      throw new JournalException.InvalidTransition(
          job.key()
              + " cannot go from "
              + job.state()
              + " to "
              + next
              + " (allowed: "
              + job.state().successors()
              + ")");
    }
    if (next == JobState.DELIVERED && job.state() != JobState.DELIVERED && !job.allShardsDone()) {
      throw new JournalException.InvalidTransition(
          job.key() + " cannot be DELIVERED before all its shards are DONE");
    }
  }

  private static Set<Integer> shardSet(JobKey key, List<Integer> shards) {
    if (shards.size() > JobJournal.MAX_SHARDS_PER_JOB) {
      throw new JournalException(
          key + ": at most " + JobJournal.MAX_SHARDS_PER_JOB + " shards per job");
    }
    Set<Integer> set = new TreeSet<>();
    for (int shard : shards) {
      if (shard < 0 || shard > JobJournal.MAX_SHARD_INDEX) {
        throw new JournalException(key + ": shard index out of range: " + shard);
      }
      if (!set.add(shard)) {
        throw new JournalException(key + ": shard " + shard + " listed twice");
      }
    }
    return set;
  }
}
