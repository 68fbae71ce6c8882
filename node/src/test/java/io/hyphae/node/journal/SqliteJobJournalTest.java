package io.hyphae.node.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite journal: the contract, plus what only a file can do (survive a restart). */
class SqliteJobJournalTest extends JobJournalContract {

  @TempDir Path dir;

  @Override
  JobJournal open(Clock clock) {
    return SqliteJobJournal.open(dir.resolve("journal.db"), clock, Duration.ofSeconds(30));
  }

  @Test
  void aJobSurvivesCloseAndReopenWithItsShards() throws Exception {
    await(journal.upsert(key(1), JobState.BID, List.of()));
    await(journal.upsert(key(1), JobState.ASSIGNED, List.of(4, 2, 3)));
    await(
        journal.update(key(1), List.of(ShardProgress.running(2)), Optional.of(JobState.EXECUTING)));
    await(journal.update(key(1), List.of(ShardProgress.done(2, HASH)), Optional.empty()));
    JobRecord before = await(journal.find(key(1))).orElseThrow();

    journal.close();
    journal = open(clock);

    JobRecord after = await(journal.find(key(1))).orElseThrow();
    assertThat(after).isEqualTo(before);
    assertThat(after.state()).isEqualTo(JobState.EXECUTING);
    assertThat(after.shards())
        .containsExactly(
            ShardProgress.done(2, HASH), ShardProgress.pending(3), ShardProgress.pending(4));
    assertThat(await(journal.pendingJobs(10))).containsExactly(after);
  }

  @Test
  void theFileIsInWalMode() throws Exception {
    await(journal.upsert(key(1), JobState.POSTED, List.of()));
    journal.close();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("journal.db"));
        ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void refusesAFileThatIsNotADatabase() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.db"), "x".repeat(4096));

    assertThatThrownBy(() -> SqliteJobJournal.open(junk, clock, Duration.ofSeconds(30)))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("junk.db");
  }
}
