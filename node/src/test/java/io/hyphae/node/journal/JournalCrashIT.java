package io.hyphae.node.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is writing to the journal (SIGKILL, mid-transaction most likely) and checks
 * that every committed job is there and no job is half-written.
 */
class JournalCrashIT {

  @TempDir Path dir;

  @Test
  void aKilledWriterLeavesOnlyWholeTransactions() throws Exception {
    Path file = dir.resolve("journal.db");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process writer =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                JournalCrashWriter.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    long lastCommitted = -1;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (lastCommitted < 40 && (line = out.readLine()) != null) {
        lastCommitted = Long.parseLong(line.substring("committed ".length()));
      }
      writer.destroyForcibly();
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      writer.destroyForcibly();
    }
    assertThat(lastCommitted).as("the writer committed jobs before it was killed").isEqualTo(40);

    try (SqliteJobJournal journal =
        SqliteJobJournal.open(file, Clock.systemUTC(), Duration.ofSeconds(30))) {
      List<JobRecord> jobs = journal.pendingJobs(100_000).get(30, TimeUnit.SECONDS);
      assertThat(jobs.size()).isGreaterThanOrEqualTo((int) lastCommitted + 1);
      for (JobRecord job : jobs) {
        assertThat(job.shards()).as(job.key().toString()).hasSize(JournalCrashWriter.SHARDS);
        switch (job.state()) {
          case ASSIGNED -> assertThat(job.shards()).allMatch(s -> s.state() == ShardState.PENDING);
          case EXECUTING -> assertThat(job.shards()).allMatch(s -> s.state() == ShardState.RUNNING);
          case DELIVERED -> assertThat(job.allShardsDone()).isTrue();
          default -> throw new AssertionError("unexpected state " + job);
        }
      }
      for (long id = 0; id <= lastCommitted; id++) {
        JobKey key = new JobKey(31337, JobJournalContract.MARKET, BigInteger.valueOf(id));
        assertThat(journal.find(key).get(30, TimeUnit.SECONDS).orElseThrow().state())
            .isEqualTo(JobState.DELIVERED);
      }
    }
  }
}
