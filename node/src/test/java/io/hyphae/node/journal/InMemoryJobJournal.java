package io.hyphae.node.journal;

import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@link JobJournal} in memory, for tests of the parts that use a journal. It applies the same
 * {@link JobTransitions} as the SQLite journal ({@link JobJournalContract} runs against both); it
 * forgets everything when dropped.
 */
public final class InMemoryJobJournal implements JobJournal {

  private final Clock clock;
  private final Map<JobKey, JobRecord> jobs = new HashMap<>();
  private final Map<JobKey, Map<String, byte[]>> data = new HashMap<>();
  private final Map<String, Long> cursors = new HashMap<>();
  private boolean closed;

  public InMemoryJobJournal(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized CompletableFuture<JobRecord> upsert(
      JobKey key, JobState state, List<Integer> shards, Map<String, byte[]> data) {
    return run(
        () -> {
          JobTransitions.checkData(key, data);
          JobRecord after =
              JobTransitions.upsert(
                  Optional.ofNullable(jobs.get(key)), key, state, shards, clock.instant());
          jobs.put(key, after);
          storeData(after, data);
          return after;
        });
  }

  @Override
  public synchronized CompletableFuture<JobRecord> update(
      JobKey key,
      List<ShardProgress> shards,
      Optional<JobState> newState,
      Map<String, byte[]> data) {
    return run(
        () -> {
          JobTransitions.checkData(key, data);
          JobRecord after =
              JobTransitions.update(
                  Optional.ofNullable(jobs.get(key)), key, shards, newState, clock.instant());
          jobs.put(key, after);
          storeData(after, data);
          return after;
        });
  }

  private void storeData(JobRecord job, Map<String, byte[]> data) {
    Map<String, byte[]> values = this.data.computeIfAbsent(job.key(), k -> new TreeMap<>());
    data.forEach((name, value) -> values.put(name, value.clone()));
    if (job.state().isTerminal()) {
      values.keySet().removeIf(name -> name.startsWith(DISPOSABLE_PREFIX));
    }
  }

  @Override
  public synchronized CompletableFuture<Map<String, byte[]>> data(JobKey key) {
    return run(
        () -> {
          Map<String, byte[]> out = new TreeMap<>();
          this.data.getOrDefault(key, Map.of()).forEach((n, v) -> out.put(n, v.clone()));
          return out;
        });
  }

  @Override
  public synchronized CompletableFuture<OptionalLong> cursor(String name) {
    return run(
        () -> {
          Long block = cursors.get(name);
          return block == null ? OptionalLong.empty() : OptionalLong.of(block);
        });
  }

  @Override
  public synchronized CompletableFuture<Void> saveCursor(String name, long block) {
    return run(
        () -> {
          JobTransitions.checkCursor(name, block);
          cursors.put(name, block);
          return null;
        });
  }

  @Override
  public synchronized CompletableFuture<Optional<JobRecord>> find(JobKey key) {
    return run(() -> Optional.ofNullable(jobs.get(key)));
  }

  @Override
  public synchronized CompletableFuture<List<JobRecord>> pendingJobs(int limit) {
    if (limit <= 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be > 0"));
    }
    return run(
        () ->
            jobs.values().stream()
                .filter(job -> !job.state().isTerminal())
                .sorted(
                    Comparator.comparing(JobRecord::updatedAt)
                        .thenComparing(job -> job.key().chainId())
                        .thenComparing(job -> job.key().market())
                        .thenComparing(job -> job.key().jobId()))
                .limit(limit)
                .toList());
  }

  @Override
  public synchronized CompletableFuture<Integer> countPendingJobs() {
    return run(() -> (int) jobs.values().stream().filter(j -> !j.state().isTerminal()).count());
  }

  @Override
  public synchronized CompletableFuture<Boolean> forget(JobKey key) {
    return run(
        () -> {
          JobRecord job = jobs.get(key);
          if (job == null) {
            return false;
          }
          JobTransitions.checkForget(job);
          jobs.remove(key);
          data.remove(key);
          return true;
        });
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private <T> CompletableFuture<T> run(Supplier<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(new JournalException("the journal is closed"));
    }
    try {
      return CompletableFuture.completedFuture(work.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
