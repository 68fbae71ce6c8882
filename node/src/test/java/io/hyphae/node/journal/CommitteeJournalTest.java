package io.hyphae.node.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committee duties in the SQLite journal: the vote and salt survive a restart and never change. */
class CommitteeJournalTest {

  private static final String MARKET = "0x00000000000000000000000000000000000A11CE";

  @TempDir Path dir;
  private SqliteJobJournal journal;

  private SqliteJobJournal open() {
    journal =
        SqliteJobJournal.open(dir.resolve("journal.db"), Clock.systemUTC(), Duration.ofSeconds(30));
    return journal;
  }

  @AfterEach
  void close() {
    if (journal != null) {
      journal.close();
    }
  }

  private static Bytes32 hash(String s) {
    return Keccak256.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  private static CommitteeDuty duty(long challengeId, long commitDeadline) {
    return new CommitteeDuty(
        31337,
        MARKET,
        BigInteger.valueOf(challengeId),
        new BigInteger("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100", 16),
        2,
        7,
        hash("input leaf"),
        hash("output"),
        hash("model"),
        hash("profile"),
        "0x00000000000000000000000000000000000000C1",
        commitDeadline,
        commitDeadline + 60,
        CommitteeDuty.Step.OPEN,
        Optional.empty(),
        "");
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aJournalledVoteSurvivesARestartAndCannotChange() throws Exception {
    open();
    CommitteeDuty opened = await(journal.saveDuty(duty(1, 1000)));
    CommitteeDuty.Vote vote = new CommitteeDuty.Vote(true, hash("salt"));
    CommitteeDuty voted = await(journal.saveDuty(opened.voted(vote, "hash differs")));
    journal.close();

    open();
    CommitteeDuty loaded = await(journal.duty(31337, MARKET, BigInteger.ONE)).orElseThrow();
    assertThat(loaded).isEqualTo(voted);
    assertThat(loaded.market()).isEqualTo(MARKET.toLowerCase(java.util.Locale.ROOT));
    assertThat(loaded.vote()).contains(vote);
    assertThat(loaded.step()).isEqualTo(CommitteeDuty.Step.VOTED);

    // Another salt could not be revealed against the committed one.
    assertThat(
            failure(
                journal.saveDuty(
                    loaded.voted(new CommitteeDuty.Vote(true, hash("other")), "again"))))
        .isInstanceOf(JournalException.InvalidTransition.class)
        .hasMessageContaining("vote");
    assertThat(failure(journal.saveDuty(loaded.at(CommitteeDuty.Step.OPEN, ""))))
        .isInstanceOf(JournalException.InvalidTransition.class);
    CommitteeDuty committed = await(journal.saveDuty(loaded.at(CommitteeDuty.Step.COMMITTED, "")));
    assertThat(await(journal.duty(31337, MARKET, BigInteger.ONE))).contains(committed);
    assertThat(await(journal.duty(31337, MARKET, BigInteger.TWO))).isEmpty();
  }

  @Test
  void openDutiesAreListedByCommitDeadlineUntilDone() throws Exception {
    open();
    CommitteeDuty late = await(journal.saveDuty(duty(1, 2000)));
    CommitteeDuty early = await(journal.saveDuty(duty(2, 1000)));
    await(journal.saveDuty(duty(3, 500).at(CommitteeDuty.Step.DONE, "missed")));

    assertThat(await(journal.openDuties(10))).containsExactly(early, late);
    assertThat(await(journal.openDuties(1))).containsExactly(early);
    await(journal.saveDuty(early.at(CommitteeDuty.Step.DONE, "resolved")));
    assertThat(await(journal.openDuties(10))).containsExactly(late);
  }

  @Test
  void aVersionTwoFileGainsTheDutiesTable() throws Exception {
    open();
    journal.close();
    journal = null;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("journal.db"));
        var st = c.createStatement()) {
      st.execute("DROP TABLE committee_duties");
      st.execute("PRAGMA user_version=2");
    }
    open();
    await(journal.saveDuty(duty(4, 1000)));
    assertThat(await(journal.openDuties(10))).hasSize(1);
  }

  @Test
  void evidenceIsKeptUntilTheVoteIsJournalled() throws Exception {
    open();
    CommitteeDuty opened = await(journal.saveDuty(duty(5, 1000)));
    assertThat(
            failure(
                journal.saveEvidence(
                    31337, MARKET, BigInteger.valueOf(6), new byte[1], new byte[1])))
        .isInstanceOf(JournalException.NotFound.class);
    await(
        journal.saveEvidence(
            31337, MARKET, BigInteger.valueOf(5), new byte[] {1, 2}, new byte[] {3}));
    journal.close();

    open();
    CommitteeJournal.StoredEvidence kept =
        await(journal.evidence(31337, MARKET, BigInteger.valueOf(5))).orElseThrow();
    assertThat(kept.input()).containsExactly(1, 2);
    assertThat(kept.output()).containsExactly(3);
    await(journal.saveDuty(opened.voted(new CommitteeDuty.Vote(false, hash("s")), "matches")));
    assertThat(await(journal.evidence(31337, MARKET, BigInteger.valueOf(5)))).isEmpty();
  }
}
