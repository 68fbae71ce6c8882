package io.hyphae.node.journal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records every job the node owes and how far it got, durably: after a crash or restart, {@link
 * #pendingJobs()} tells the node what to resume. Each call is one transaction, fully applied or not
 * at all; futures fail with a {@link JournalException} (an {@link
 * JournalException.InvalidTransition} for a move the lifecycle forbids, {@link
 * JournalException.Busy} when the queue is full).
 */
public interface JobJournal extends AutoCloseable {

  /** How long a service waits for the journal's answer before giving up on the call. */
  Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Waits for a journal call's answer (at most {@link #ANSWER_TIMEOUT}); the call's own failure is
   * rethrown as it is.
   */
  static <T> T await(CompletableFuture<T> call) throws Exception {
    try {
      return call.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    } catch (TimeoutException e) {
      throw new JournalException("no answer within " + ANSWER_TIMEOUT, e);
    }
  }

  /** The highest shard index a job may have. */
  int MAX_SHARD_INDEX = 65_535;

  /** The most shards of one job a node may hold. */
  int MAX_SHARDS_PER_JOB = 4096;

  /** The largest value stored with a job (a shard's output is the largest). */
  int MAX_DATA_BYTES = 40 << 20;

  /**
   * Names of values stored with a job: letters, digits, '.', '_', '/', '-'. Values whose name
   * starts with {@value #DISPOSABLE_PREFIX} are dropped when the job reaches a terminal state.
   */
  String DATA_NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._/-]{0,63}";

  /** The prefix of values the journal drops once a job is settled (shard outputs). */
  String DISPOSABLE_PREFIX = "tmp/";

  /**
   * Idempotent upsert: enters a new job in one of the {@link JobState#INITIAL} states, or moves a
   * known one to {@code state} (repeating the current state changes nothing). {@code shards} are
   * the node's shard indexes, known from assignment on: given for a job that has none, they are
   * added as PENDING; given for a job that has some, they must be the same set.
   */
  default CompletableFuture<JobRecord> upsert(JobKey key, JobState state, List<Integer> shards) {
    return upsert(key, state, shards, Map.of());
  }

  /**
   * {@link #upsert(JobKey, JobState, List)} that also stores {@code data} with the job (replacing
   * values of the same names) in the same transaction: what a restart needs to resume the job.
   */
  CompletableFuture<JobRecord> upsert(
      JobKey key, JobState state, List<Integer> shards, Map<String, byte[]> data);

  /**
   * Atomically applies shard progress and then, if given, a state change, e.g. "shard 3 DONE and
   * the job DELIVERED". DELIVERED needs every shard DONE.
   */
  default CompletableFuture<JobRecord> update(
      JobKey key, List<ShardProgress> shards, Optional<JobState> newState) {
    return update(key, shards, newState, Map.of());
  }

  /**
   * {@link #update(JobKey, List, Optional)} that also stores {@code data} with the job in the same
   * transaction, e.g. "shard 3 DONE with its output".
   */
  CompletableFuture<JobRecord> update(
      JobKey key,
      List<ShardProgress> shards,
      Optional<JobState> newState,
      Map<String, byte[]> data);

  /** The values stored with the job, by name (empty when the job is unknown). */
  CompletableFuture<Map<String, byte[]>> data(JobKey key);

  /** A named chain cursor (the last block a watcher handled), if one was saved. */
  CompletableFuture<OptionalLong> cursor(String name);

  /** Saves a named chain cursor, replacing the previous value. */
  CompletableFuture<Void> saveCursor(String name, long block);

  /** The job, if the journal has it. */
  CompletableFuture<Optional<JobRecord>> find(JobKey key);

  /** Every job not in a terminal state, least recently changed first, at most {@code limit}. */
  CompletableFuture<List<JobRecord>> pendingJobs(int limit);

  /** How many jobs are not in a terminal state. */
  CompletableFuture<Integer> countPendingJobs();

  /**
   * Removes a job the node bid on but did not win (POSTED or BID only: once assigned, the node owes
   * the job and the journal keeps it).
   *
   * @return whether there was such a job
   */
  CompletableFuture<Boolean> forget(JobKey key);

  /** Finishes queued operations, then closes the store. */
  @Override
  void close();
}
