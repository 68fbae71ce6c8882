package io.hyphae.node.journal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Records every job the node owes and how far it got, durably: after a crash or restart, {@link
 * #pendingJobs()} tells the node what to resume. Each call is one transaction, fully applied or not
 * at all; futures fail with a {@link JournalException} (an {@link
 * JournalException.InvalidTransition} for a move the lifecycle forbids, {@link
 * JournalException.Busy} when the queue is full).
 */
public interface JobJournal extends AutoCloseable {

  /** The highest shard index a job may have. */
  int MAX_SHARD_INDEX = 65_535;

  /** The most shards of one job a node may hold. */
  int MAX_SHARDS_PER_JOB = 4096;

  /**
   * Idempotent upsert: enters a new job in one of the {@link JobState#INITIAL} states, or moves a
   * known one to {@code state} (repeating the current state changes nothing). {@code shards} are
   * the node's shard indexes, known from assignment on: given for a job that has none, they are
   * added as PENDING; given for a job that has some, they must be the same set.
   */
  CompletableFuture<JobRecord> upsert(JobKey key, JobState state, List<Integer> shards);

  /**
   * Atomically applies shard progress and then, if given, a state change, e.g. "shard 3 DONE and
   * the job DELIVERED". DELIVERED needs every shard DONE.
   */
  CompletableFuture<JobRecord> update(
      JobKey key, List<ShardProgress> shards, Optional<JobState> newState);

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
