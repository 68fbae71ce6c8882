package io.hyphae.node.journal;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A child process for {@link JournalCrashIT}: writes jobs until it is killed, printing the id of
 * each job once its transactions committed. Each job is one upsert of 16 shards, then one update
 * that marks them all DONE and the job DELIVERED.
 */
final class JournalCrashWriter {

  static final int SHARDS = 16;

  public static void main(String[] args) throws Exception {
    SqliteJobJournal journal =
        SqliteJobJournal.open(Path.of(args[0]), Clock.systemUTC(), Duration.ofSeconds(30));
    List<Integer> shards = IntStream.range(0, SHARDS).boxed().toList();
    for (long id = 0; ; id++) {
      JobKey key = new JobKey(31337, JobJournalContract.MARKET, BigInteger.valueOf(id));
      journal.upsert(key, JobState.ASSIGNED, shards).get(30, TimeUnit.SECONDS);
      journal
          .update(
              key,
              shards.stream().map(ShardProgress::running).toList(),
              Optional.of(JobState.EXECUTING))
          .get(30, TimeUnit.SECONDS);
      journal
          .update(
              key,
              shards.stream().map(s -> ShardProgress.done(s, JobJournalContract.HASH)).toList(),
              Optional.of(JobState.DELIVERED))
          .get(30, TimeUnit.SECONDS);
      System.out.println("committed " + id);
      System.out.flush();
    }
  }
}
