package io.hyphae.protocol.p2p.overlay;

/**
 * The clock and timer the overlay protocols run on. Every task runs on the scheduler's single
 * thread, so protocol state machines need no locks. Tests and benchmarks use {@link
 * SimulatedScheduler}; a host runs them on its event loop.
 */
public interface Scheduler {
  /** Current time in milliseconds (any epoch, monotonic). */
  long nowMillis();

  /** Runs {@code task} once after {@code delayMillis}; the handle cancels it. */
  Cancellable schedule(long delayMillis, Runnable task);

  /** Runs {@code task} as soon as possible, after the current task. */
  default void execute(Runnable task) {
    schedule(0, task);
  }

  /** A scheduled task that can be cancelled. */
  interface Cancellable {
    void cancel();
  }
}
