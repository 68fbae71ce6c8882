package io.hyphae.protocol.p2p.overlay;

import java.util.PriorityQueue;

/**
 * A discrete-event scheduler: time advances only when {@link #advance} or {@link #runUntilIdle}
 * runs the queued tasks in time order. Single-threaded and deterministic, so multi-node tests need
 * no sleeps and benchmarks measure simulated latency. Bounded by {@code maxQueued}.
 */
public final class SimulatedScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final int maxQueued;
  private long now;
  private long sequence;

  public SimulatedScheduler(long startMillis, int maxQueued) {
    this.now = startMillis;
    this.maxQueued = maxQueued;
  }

  public SimulatedScheduler() {
    this(1_000_000L, 5_000_000);
  }

  @Override
  public long nowMillis() {
    return now;
  }

  @Override
  public Cancellable schedule(long delayMillis, Runnable task) {
    if (queue.size() >= maxQueued) {
      throw new IllegalStateException("simulated scheduler queue full (" + maxQueued + ")");
    }
    Task t = new Task(now + Math.max(0, delayMillis), sequence++, task);
    queue.add(t);
    return () -> t.cancelled = true;
  }

  /** Runs every task due within the next {@code millis}, then sets the clock to that time. */
  public void advance(long millis) {
    long until = now + millis;
    while (!queue.isEmpty() && queue.peek().at <= until) {
      Task t = queue.poll();
      now = Math.max(now, t.at);
      if (!t.cancelled) {
        t.task.run();
      }
    }
    now = until;
  }

  /** Runs due and immediate tasks without moving time forward. */
  public void runPending() {
    advance(0);
  }

  public int queued() {
    return queue.size();
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Task(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
