package io.hyphae.wallet.job;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The command thread's pauses between polls of the chain. They wait on a scheduled future (the
 * JDK's delayed executor), bounded, and never run on a network thread.
 */
public final class Waits {

  private Waits() {}

  /** Returns after {@code d} (at once when it is zero or negative). */
  public static void pause(Duration d) throws InterruptedException {
    if (d.isNegative() || d.isZero()) {
      return;
    }
    CompletableFuture<Void> timer =
        CompletableFuture.runAsync(
            () -> {}, CompletableFuture.delayedExecutor(d.toMillis(), TimeUnit.MILLISECONDS));
    try {
      timer.get(d.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // A timer that cannot fail; treat anything as the pause being over.
    }
  }
}
