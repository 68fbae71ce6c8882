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
  void aVersionOneFileIsMigratedAndKeepsItsJobs() throws Exception {
    journal.close();
    Path old = dir.resolve("v1.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        var st = c.createStatement()) {
      st.execute(
          "CREATE TABLE jobs (chain_id INTEGER NOT NULL, market TEXT NOT NULL, job_id TEXT NOT"
              + " NULL, state TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (chain_id,"
              + " market, job_id)) WITHOUT ROWID");
      st.execute(
          "CREATE TABLE shards (chain_id INTEGER NOT NULL, market TEXT NOT NULL, job_id TEXT NOT"
              + " NULL, shard INTEGER NOT NULL, state TEXT NOT NULL, output_hash TEXT, PRIMARY KEY"
              + " (chain_id, market, job_id, shard), FOREIGN KEY (chain_id, market, job_id)"
              + " REFERENCES jobs ON DELETE CASCADE) WITHOUT ROWID");
      st.execute(
          "INSERT INTO jobs VALUES (31337, '"
              + MARKET.toLowerCase(java.util.Locale.ROOT)
              + "', '"
              + "0".repeat(63)
              + "5', 'ASSIGNED', 0)");
      st.execute("PRAGMA user_version=1");
    }
    journal = SqliteJobJournal.open(old, clock, Duration.ofSeconds(30));

    assertThat(await(journal.find(key(5))))
        .get()
        .extracting(JobRecord::state)
        .isEqualTo(JobState.ASSIGNED);
    await(
        journal.update(key(5), List.of(), Optional.empty(), java.util.Map.of("spec", new byte[2])));
    assertThat(await(journal.data(key(5)))).containsOnlyKeys("spec");
    journal.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA user_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
    journal = open(clock);
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
