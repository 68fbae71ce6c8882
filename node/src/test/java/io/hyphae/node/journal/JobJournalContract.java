package io.hyphae.node.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobJournal} does, run against each implementation (SQLite and the in-memory
 * fake), so the fake other tests use behaves like the real thing.
 */
abstract class JobJournalContract {

  static final String MARKET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  static final String HASH = "0x" + "ab".repeat(32);

  final MutableClock clock = new MutableClock();
  JobJournal journal;

  /** A new, empty journal on {@code clock}. */
  abstract JobJournal open(Clock clock) throws Exception;

  @BeforeEach
  void openJournal() throws Exception {
    journal = open(clock);
  }

  @AfterEach
  void closeJournal() {
    journal.close();
  }

  static JobKey key(long id) {
    return new JobKey(31337, MARKET, BigInteger.valueOf(id));
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  /** The cause a failed future failed with. */
  static Throwable failure(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected the operation to fail");
  }

  @Test
  void upsertsAreIdempotent() throws Exception {
    JobRecord first = await(journal.upsert(key(7), JobState.ASSIGNED, List.of(0, 1)));
    clock.advance(Duration.ofSeconds(5));
    JobRecord again = await(journal.upsert(key(7), JobState.ASSIGNED, List.of(1, 0)));
    JobRecord withoutShards = await(journal.upsert(key(7), JobState.ASSIGNED, List.of()));

    assertThat(again).isEqualTo(first);
    assertThat(withoutShards).isEqualTo(first);
    assertThat(await(journal.pendingJobs(10))).hasSize(1);
  }

  @Test
  void rejectsMovesTheLifecycleForbidsAndKeepsTheJobAsItWas() throws Exception {
    JobRecord posted = await(journal.upsert(key(1), JobState.POSTED, List.of()));

    assertThat(failure(journal.upsert(key(1), JobState.EXECUTING, List.of())))
        .isInstanceOf(JournalException.InvalidTransition.class)
        .hasMessageContaining("cannot go from POSTED to EXECUTING");
    assertThat(failure(journal.upsert(key(2), JobState.COMMITTED, List.of())))
        .isInstanceOf(JournalException.InvalidTransition.class)
        .hasMessageContaining("not in the journal");
    assertThat(await(journal.find(key(1)))).contains(posted);
    assertThat(await(journal.find(key(2)))).isEmpty();
  }

  @Test
  void terminalStatesAreFinal() throws Exception {
    await(journal.upsert(key(1), JobState.ASSIGNED, List.of(0)));
    await(journal.upsert(key(1), JobState.RECLAIMED, List.of()));

    for (JobState next : JobState.values()) {
      if (next != JobState.RECLAIMED) {
        assertThat(failure(journal.upsert(key(1), next, List.of())))
            .as(next.name())
            .isInstanceOf(JournalException.InvalidTransition.class);
      }
    }
    assertThat(await(journal.pendingJobs(10))).isEmpty();
  }

  @Test
  void walksTheWholeLifecycle() throws Exception {
    await(journal.upsert(key(1), JobState.POSTED, List.of()));
    await(journal.upsert(key(1), JobState.BID, List.of()));
    await(journal.upsert(key(1), JobState.ASSIGNED, List.of(0)));
    await(
        journal.update(key(1), List.of(ShardProgress.running(0)), Optional.of(JobState.EXECUTING)));
    await(
        journal.update(
            key(1), List.of(ShardProgress.done(0, HASH)), Optional.of(JobState.DELIVERED)));
    await(journal.upsert(key(1), JobState.COMMITTED, List.of()));
    await(journal.upsert(key(1), JobState.CHALLENGED, List.of()));
    JobRecord done = await(journal.upsert(key(1), JobState.FINALIZED, List.of()));

    assertThat(done.state()).isEqualTo(JobState.FINALIZED);
    assertThat(done.allShardsDone()).isTrue();
  }

  @Test
  void valuesAreStoredWithTheirJobAndDisposableOnesGoWhenItSettles() throws Exception {
    byte[] spec = {1, 2, 3};
    await(journal.upsert(key(1), JobState.ASSIGNED, List.of(0), Map.of("spec", spec)));
    await(
        journal.update(
            key(1),
            List.of(ShardProgress.running(0)),
            Optional.of(JobState.EXECUTING),
            Map.of("tmp/output/0", new byte[] {9})));
    assertThat(await(journal.data(key(1))))
        .containsOnlyKeys("spec", "tmp/output/0")
        .hasEntrySatisfying("spec", v -> assertThat(v).containsExactly(1, 2, 3));
    // A refused change stores none of its values.
    assertThat(
            failure(
                journal.update(
                    key(1), List.of(), Optional.of(JobState.POSTED), Map.of("x", new byte[1]))))
        .isInstanceOf(JournalException.InvalidTransition.class);
    assertThat(failure(journal.upsert(key(1), JobState.EXECUTING, List.of(), Map.of("a b", spec))))
        .hasMessageContaining("not a value name");
    assertThat(await(journal.data(key(1)))).containsOnlyKeys("spec", "tmp/output/0");

    await(journal.upsert(key(1), JobState.RECLAIMED, List.of()));
    assertThat(await(journal.data(key(1)))).containsOnlyKeys("spec");
    assertThat(await(journal.data(key(2)))).isEmpty();
  }

  @Test
  void cursorsAreSavedAndReplaced() throws Exception {
    assertThat(await(journal.cursor("market"))).isEmpty();
    await(journal.saveCursor("market", 7));
    await(journal.saveCursor("market", 12));
    assertThat(await(journal.cursor("market"))).hasValue(12);
    assertThat(failure(journal.saveCursor("market", -1))).isInstanceOf(JournalException.class);
    assertThat(await(journal.cursor("market"))).hasValue(12);
  }

  @Test
  void aFailedUpdateAppliesNoneOfItsParts() throws Exception {
    await(journal.upsert(key(1), JobState.ASSIGNED, List.of(0, 1)));
    await(
        journal.update(
            key(1),
            List.of(ShardProgress.running(0), ShardProgress.running(1)),
            Optional.of(JobState.EXECUTING)));
    JobRecord before = await(journal.find(key(1))).orElseThrow();

    // Shard 0 would be fine, shard 9 is not ours: the whole transaction is rolled back.
    assertThat(
            failure(
                journal.update(
                    key(1),
                    List.of(ShardProgress.done(0, HASH), ShardProgress.done(9, HASH)),
                    Optional.empty())))
        .isInstanceOf(JournalException.NotFound.class);
    // Both shards done would be fine, but DELIVERED before shard 1 is done is not.
    assertThat(
            failure(
                journal.update(
                    key(1), List.of(ShardProgress.done(0, HASH)), Optional.of(JobState.DELIVERED))))
        .isInstanceOf(JournalException.InvalidTransition.class)
        .hasMessageContaining("before all its shards are DONE");

    assertThat(await(journal.find(key(1)))).contains(before);
  }

  @Test
  void shardProgressFollowsItsOwnRules() throws Exception {
    await(journal.upsert(key(1), JobState.ASSIGNED, List.of(0)));

    assertThat(
            failure(journal.update(key(1), List.of(ShardProgress.done(0, HASH)), Optional.empty())))
        .isInstanceOf(JournalException.InvalidTransition.class)
        .hasMessageContaining("from PENDING to DONE");
    await(journal.update(key(1), List.of(ShardProgress.running(0)), Optional.empty()));
    // A run abandoned by a restart goes back to PENDING.
    await(journal.update(key(1), List.of(ShardProgress.pending(0)), Optional.empty()));
    await(journal.update(key(1), List.of(ShardProgress.running(0)), Optional.empty()));
    await(journal.update(key(1), List.of(ShardProgress.done(0, HASH)), Optional.empty()));
    // Recording the same result again is a no-op; a different one is refused.
    await(journal.update(key(1), List.of(ShardProgress.done(0, HASH)), Optional.empty()));
    assertThat(
            failure(
                journal.update(
                    key(1),
                    List.of(ShardProgress.done(0, "0x" + "cd".repeat(32))),
                    Optional.empty())))
        .isInstanceOf(JournalException.InvalidTransition.class)
        .hasMessageContaining("it is DONE with output " + HASH);
  }

  @Test
  void assignedShardsDoNotChange() throws Exception {
    await(journal.upsert(key(1), JobState.ASSIGNED, List.of(0, 1)));

    assertThat(failure(journal.upsert(key(1), JobState.ASSIGNED, List.of(0, 2))))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("assignments do not change");
    assertThat(failure(journal.upsert(key(2), JobState.ASSIGNED, List.of(3, 3))))
        .hasMessageContaining("listed twice");
  }

  @Test
  void pendingJobsAreTheUnfinishedOnesLeastRecentlyChangedFirst() throws Exception {
    await(journal.upsert(key(3), JobState.ASSIGNED, List.of(0)));
    clock.advance(Duration.ofSeconds(1));
    await(journal.upsert(key(1), JobState.BID, List.of()));
    clock.advance(Duration.ofSeconds(1));
    await(journal.upsert(key(2), JobState.ASSIGNED, List.of(0)));
    await(journal.upsert(key(2), JobState.RECLAIMED, List.of()));
    clock.advance(Duration.ofSeconds(1));
    await(journal.upsert(key(3), JobState.EXECUTING, List.of()));

    assertThat(await(journal.pendingJobs(10)).stream().map(JobRecord::key))
        .containsExactly(key(1), key(3));
    assertThat(await(journal.pendingJobs(1)).stream().map(JobRecord::key)).containsExactly(key(1));
    assertThat(await(journal.countPendingJobs())).isEqualTo(2);
  }

  @Test
  void forgetsOnlyJobsTheNodeDoesNotOwe() throws Exception {
    await(journal.upsert(key(1), JobState.BID, List.of()));
    await(journal.upsert(key(2), JobState.ASSIGNED, List.of(0)));

    assertThat(await(journal.forget(key(1)))).isTrue();
    assertThat(await(journal.forget(key(1)))).isFalse();
    assertThat(failure(journal.forget(key(2))))
        .isInstanceOf(JournalException.InvalidTransition.class);
    assertThat(await(journal.find(key(2)))).isPresent();
  }

  @Test
  void keysCoverTheWholeUint256RangeAndNormaliseTheMarket() throws Exception {
    BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    JobKey big = new JobKey(1, MARKET.toLowerCase(), max);

    await(journal.upsert(big, JobState.POSTED, List.of()));

    assertThat(await(journal.find(new JobKey(1, MARKET, max)))).isPresent();
    assertThatThrownBy(() -> new JobKey(1, MARKET, max.add(BigInteger.ONE)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClosedJournalRefusesWork() {
    journal.close();

    assertThat(failure(journal.find(key(1))))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("closed");
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-23T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
