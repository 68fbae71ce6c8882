package io.hyphae.node.chain;

import io.hyphae.contracts.market.BlockEvent;
import io.hyphae.contracts.market.Market;
import io.hyphae.node.journal.JobJournal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the market by polling its logs: every poll interval it reads the events of the blocks
 * from its cursor up to {@code latest - confirmations} (at most {@value #MAX_BLOCKS_PER_POLL} at a
 * time), hands them in chain order to the handler, then saves the cursor in the journal, so a
 * restarted node resumes where it stopped. An event may be handed over twice (a crash between
 * handling and saving), which idempotent handlers make harmless. RPC errors are logged and retried
 * with exponential back-off (up to {@link #MAX_BACKOFF}); {@link #status()} reports them. On its
 * first start (no cursor) the watcher begins at the latest confirmed block: a node only owes jobs
 * it bid on while running.
 */
public final class ChainWatcher implements AutoCloseable {

  static final int MAX_BLOCKS_PER_POLL = 1000;
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** After this many failed tries of one event, it is skipped with an ERROR (a bug of ours). */
  static final int MAX_HANDLER_ATTEMPTS = 5;

  private static final Duration JOURNAL_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(ChainWatcher.class);

  /**
   * What the watcher has done.
   *
   * @param handledBlock the last block whose events were handled (-1 before the first)
   * @param latestBlock the chain's latest block at the last successful poll
   * @param lagBlocks how far the handled block is behind the latest
   * @param problem why the last poll failed, or null
   * @param eventsHandled events handed to the handler since start
   */
  public record Status(
      long handledBlock, long latestBlock, long lagBlocks, String problem, long eventsHandled) {}

  private final ChainAccess chain;
  private final JobJournal journal;
  private final String cursorName;
  private final int confirmations;
  private final Duration pollInterval;
  private final MarketEventHandler handler;
  private final ScheduledExecutorService executor;
  private final Map<String, Integer> attempts = new HashMap<>();

  // Touched only on the executor's thread, read by status().
  private volatile long cursor = -2; // -2: not loaded yet
  private volatile long latest = -1;
  private volatile String problem = "not polled yet";
  private volatile long eventsHandled;
  private int failures;
  private volatile boolean closed;

  public ChainWatcher(
      ChainAccess chain,
      JobJournal journal,
      String cursorName,
      int confirmations,
      Duration pollInterval,
      MarketEventHandler handler) {
    this.chain = chain;
    this.journal = journal;
    this.cursorName = cursorName;
    this.confirmations = confirmations;
    this.pollInterval = pollInterval;
    this.handler = handler;
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "hyphae-chain-watcher");
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.executor = pool;
  }

  /** Starts polling at once, then every poll interval. */
  public void start() {
    executor.execute(this::tick);
  }

  public Status status() {
    long handled = Math.max(cursor, -1);
    long lag = latest < 0 || handled < 0 ? 0 : Math.max(0, latest - handled);
    return new Status(handled, latest, lag, problem, eventsHandled);
  }

  private void tick() {
    if (closed) {
      return;
    }
    Duration next = pollInterval;
    try {
      if (pollOnce()) {
        next = Duration.ZERO; // more blocks to catch up on
      }
      failures = 0;
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      failures++;
      problem = "the chain is unreachable or failing: " + rootMessage(e);
      chain.failed(problem);
      next = backoff();
      if (failures == 1 || failures % 10 == 0) {
        LOG.warn("chain poll failed ({} in a row), retrying in {}: {}", failures, next, problem);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!closed) {
      executor.schedule(this::tick, next.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private Duration backoff() {
    long factor = 1L << Math.min(failures, 10);
    Duration d = pollInterval.multipliedBy(factor);
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /**
   * One poll. Returns true when blocks remain beyond what this poll handled.
   *
   * @throws RuntimeException when the chain fails (the range is retried next time)
   */
  boolean pollOnce() throws ExecutionException, TimeoutException, InterruptedException {
    Market market = chain.market();
    long head = market.latestBlock();
    latest = head;
    long safe = head - confirmations;
    if (cursor == -2) {
      OptionalLong saved =
          journal.cursor(cursorName).get(JOURNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (saved.isPresent()) {
        cursor = saved.getAsLong();
        LOG.info("chain watcher resumes after block {}", cursor);
      } else {
        cursor = Math.max(-1, safe);
        saveCursor(cursor);
        LOG.info("chain watcher starts after block {} (first start)", cursor);
      }
    }
    problem = null;
    chain.succeeded();
    if (safe <= cursor) {
      return false;
    }
    long from = cursor + 1;
    long to = Math.min(safe, cursor + MAX_BLOCKS_PER_POLL);
    List<BlockEvent> events = market.eventsBetween(from, to);
    for (BlockEvent event : events) {
      if (!handle(event)) {
        return false; // retried from this range next poll
      }
    }
    saveCursor(to);
    cursor = to;
    attempts.clear();
    return to < safe;
  }

  private boolean handle(BlockEvent event) {
    String id = event.block() + "/" + event.logIndex();
    try {
      handler.onEvent(event);
      eventsHandled++;
      attempts.remove(id);
      return true;
    } catch (Exception e) {
      int tries = attempts.merge(id, 1, Integer::sum);
      if (tries >= MAX_HANDLER_ATTEMPTS) {
        LOG.error("skipping {} after {} failed attempts", event, tries, e);
        attempts.remove(id);
        return true;
      }
      LOG.warn("handling {} failed (attempt {}), will retry: {}", event, tries, e.toString());
      problem = "handling an event failed: " + e.getMessage();
      return false;
    }
  }

  private void saveCursor(long block)
      throws ExecutionException, TimeoutException, InterruptedException {
    if (block >= 0) {
      journal.saveCursor(cursorName, block).get(JOURNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t instanceof ExecutionException && t.getCause() != null
        ? t.getCause().getMessage()
        : String.valueOf(t.getMessage());
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
