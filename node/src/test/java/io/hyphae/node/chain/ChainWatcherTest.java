package io.hyphae.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.market.BlockEvent;
import io.hyphae.contracts.market.Bytes32;
import io.hyphae.contracts.market.InMemoryMarket;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.node.journal.InMemoryJobJournal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChainWatcherTest {

  private static final String CURSOR = "events/31337/test";
  private final InMemoryMarket.Ledger ledger =
      new InMemoryMarket.Ledger(
          BigInteger.ONE, BigInteger.ONE, Duration.ofMinutes(10), 1_700_000_000L);
  private final Market requester = ledger.as(new DevnetAccounts().account(9));
  private final InMemoryJobJournal journal = new InMemoryJobJournal(Clock.systemUTC());
  private final List<BlockEvent> seen = new ArrayList<>();
  private long salt;

  private BigInteger post() {
    return requester.postJob(
        new JobSpec(
            Bytes32.of(new byte[32]),
            Bytes32.of(new byte[32]),
            Bytes32.of(
                new byte[] {
                  1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                  0, 0, 0, 0, 0
                }),
            1,
            1,
            BigInteger.TEN,
            requester.now() + 3600,
            60,
            ++salt,
            new byte[] {1}));
  }

  private ChainWatcher watcher(int confirmations, MarketEventHandler handler) {
    return new ChainWatcher(
        new ChainAccess(() -> requester),
        journal,
        CURSOR,
        confirmations,
        Duration.ofMillis(10),
        handler);
  }

  private static List<BigInteger> jobsPosted(List<BlockEvent> events) {
    return events.stream()
        .map(BlockEvent::event)
        .filter(MarketEvent.JobPosted.class::isInstance)
        .map(MarketEvent::jobId)
        .toList();
  }

  @Test
  void handsNewEventsOverInOrderAndResumesFromItsSavedCursor() throws Exception {
    post(); // before the first start: not the node's business
    try (ChainWatcher w = watcher(0, seen::add)) {
      assertThat(w.pollOnce()).isFalse();
      assertThat(seen).isEmpty();
      BigInteger a = post();
      BigInteger b = post();
      w.pollOnce();
      assertThat(jobsPosted(seen)).containsExactly(a, b);
      w.pollOnce();
      assertThat(seen).hasSize(2);
      assertThat(w.status().handledBlock()).isEqualTo(requester.latestBlock());
      assertThat(w.status().lagBlocks()).isZero();
      assertThat(w.status().problem()).isNull();
    }
    BigInteger c = post();
    seen.clear();
    try (ChainWatcher again = watcher(0, seen::add)) {
      again.pollOnce();
      assertThat(jobsPosted(seen)).containsExactly(c);
    }
    assertThat(journal.cursor(CURSOR).get()).hasValue(requester.latestBlock());
  }

  @Test
  void waitsForConfirmations() throws Exception {
    try (ChainWatcher w = watcher(1, seen::add)) {
      w.pollOnce();
      BigInteger a = post();
      w.pollOnce();
      assertThat(seen).isEmpty();
      assertThat(w.status().lagBlocks()).isEqualTo(1);
      post();
      w.pollOnce();
      assertThat(jobsPosted(seen)).containsExactly(a);
    }
  }

  @Test
  void aFailingHandlerGetsTheEventAgainAndTheCursorWaits() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (ChainWatcher w =
        watcher(
            0,
            e -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("journal busy");
              }
              seen.add(e);
            })) {
      w.pollOnce();
      long before = w.status().handledBlock();
      BigInteger a = post();
      w.pollOnce();
      assertThat(seen).isEmpty();
      assertThat(w.status().handledBlock()).isEqualTo(before);
      assertThat(w.status().problem()).contains("journal busy");
      w.pollOnce();
      assertThat(jobsPosted(seen)).containsExactly(a);
    }
  }

  @Test
  void anUnreachableChainIsReportedAndRetried() throws Exception {
    AtomicBoolean up = new AtomicBoolean(false);
    ChainAccess access =
        new ChainAccess(
            () -> {
              if (!up.get()) {
                throw new ChainException("cannot reach the chain at http://127.0.0.1:1");
              }
              return requester;
            });
    try (ChainWatcher w =
        new ChainWatcher(access, journal, CURSOR, 0, Duration.ofMillis(10), seen::add)) {
      assertThatThrownBy(w::pollOnce).isInstanceOf(ChainException.class);
      assertThat(access.problem()).contains("cannot reach the chain");
      up.set(true);
      w.pollOnce();
      assertThat(access.problem()).isNull();
      assertThat(w.status().problem()).isNull();
    }
  }

  @Test
  void theRunningWatcherReportsPollFailuresInItsStatus() throws Exception {
    ChainAccess down =
        new ChainAccess(
            () -> {
              throw new ChainException("connection refused");
            });
    try (ChainWatcher w =
        new ChainWatcher(down, journal, CURSOR, 0, Duration.ofMillis(10), seen::add)) {
      w.start();
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (w.status().problem() == null || !w.status().problem().contains("connection refused")) {
        assertThat(System.nanoTime()).as("status shows the failure").isLessThan(until);
        java.util.concurrent.TimeUnit.MILLISECONDS.sleep(10);
      }
      assertThat(w.status().problem()).startsWith("the chain is unreachable");
    }
  }
}
