package io.hyphae.node.job;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A service's stop: its workers wait on it between retries, so stopping wakes them at once instead
 * of after their back-off.
 */
public final class StopSignal {

  private final CountDownLatch stopped = new CountDownLatch(1);

  public void stop() {
    stopped.countDown();
  }

  public boolean isStopping() {
    return stopped.getCount() == 0;
  }

  /** Waits up to {@code d}; true when the service is stopping (the caller should give up). */
  public boolean pause(Duration d) {
    try {
      return stopped.await(Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
