package io.hyphae.devnet.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.devnet.demo.DemoInput;
import io.hyphae.devnet.testing.AcceptanceDevnet;
import io.hyphae.devnet.testing.ChainView;
import io.hyphae.devnet.testing.DevnetCli;
import io.hyphae.devnet.testing.LocalInference;
import io.hyphae.devnet.testing.SharedDevnet;
import io.hyphae.devnet.testing.WalletProcess;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider node that crashes (SIGKILL) after it was assigned and before it committed, and is
 * started again with {@code devnet provider start}: it resumes the job from its journal, fetches
 * its inputs again from the requester (still running {@code job submit}), delivers and commits, and
 * the job completes with every assignment finalized and results equal to local inference.
 */
@ExtendWith(SharedDevnet.class)
@Order(Order.DEFAULT + 2)
class ProviderRestartIT {

  private static final int ROWS = 1800;
  private static final int SHARDS = 3;
  private static final BigInteger MAX_PRICE = BigInteger.TEN.pow(13);
  private static final Set<String> BEFORE_COMMIT = Set.of("ASSIGNED", "EXECUTING");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aProviderRestartedMidJobResumesFromItsJournalAndTheJobCompletes(AcceptanceDevnet devnet)
      throws Exception {
    devnet.ensureAllRunning();
    Path work = devnet.scratch("provider-restart");
    Path input = DemoInput.write(work.resolve("input.jsonl"), ROWS);
    Path output = work.resolve("output.jsonl");
    String dir = devnet.layout().dir().toString();

    WalletProcess.Result run;
    DevnetInfo.Provider victim;
    BigInteger jobId;
    try (ChainView chain = devnet.chain();
        WalletProcess wallet =
            WalletProcess.start(
                devnet.root(),
                work.resolve("jobs"),
                devnet.jobSubmit(input, SHARDS, MAX_PRICE, "--out", output.toString()))) {
      jobId =
          new BigInteger(
              wallet
                  .awaitStderr(l -> l.startsWith("posted job "), Duration.ofSeconds(90))
                  .split(" ")[2]
                  .replace(":", ""));
      String assigned =
          wallet.awaitStderr(l -> l.startsWith("assigned shard"), Duration.ofSeconds(60));
      victim = devnet.provider(assigned.split(" to ")[1].split(" ")[0]);

      // Crash it once its journal holds the job and before it committed.
      String state = awaitJournalled(victim, devnet);
      DevnetCli.Run kill = DevnetCli.run("provider", "stop", victim.name(), "--kill", "--dir", dir);
      assertThat(kill.code()).as(kill.toString()).isZero();
      assertThat(kill.out()).contains(victim.name()).contains("killed (SIGKILL)");
      assertThat(chain.committed(jobId, victim.address()))
          .as("%s committed (it was %s) before the kill landed: give it more rows", victim, state)
          .isFalse();
      JsonNode stopped = devnet.status();
      assertThat(AcceptanceDevnet.providerStatus(stopped, victim.name()).path("state").asText())
          .isEqualTo("stopped");
      assertThat(devnet.info().providers())
          .filteredOn(p -> p.name().equals(victim.name()))
          .singleElement()
          .extracting(DevnetInfo.Provider::pid)
          .isEqualTo(0L);

      DevnetCli.Run start = DevnetCli.run("provider", "start", victim.name(), "--dir", dir);
      assertThat(start.code()).as(start.toString()).isZero();

      run = wallet.awaitExit(Duration.ofSeconds(240));
    }

    assertThat(run.exitCode()).as("%s%n%s", run, devnet.logTails()).isZero();
    JsonNode report = JSON.readTree(run.stdout());
    assertThat(report.path("state").asText()).isEqualTo("FINALIZED");
    assertThat(report.path("verification").asText()).as(report.toString()).isEqualTo("passed");
    assertThat(report.path("assignments")).hasSize(SHARDS);
    for (JsonNode a : report.path("assignments")) {
      assertThat(a.path("status").asText()).as(a.toString()).isEqualTo("Finalized");
    }
    try (ChainView chain = devnet.chain()) {
      assertThat(
              chain.events(jobId).stream()
                  .filter(
                      e ->
                          e instanceof MarketEvent.AssignmentFinalized f
                              && f.provider().equalsIgnoreCase(victim.address())))
          .as("the restarted provider's own assignment was finalized")
          .hasSize(1);
    }
    String log = Files.readString(Path.of(victim.logFile()));
    assertThat(log).contains("resumed 1 jobs from the journal");

    List<String> rows = Files.readAllLines(input);
    List<String> results = Files.readAllLines(output);
    assertThat(results).hasSize(ROWS);
    List<Integer> spots = new ArrayList<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      int first = shard * ROWS / SHARDS;
      spots.add(first);
      spots.add(first + ROWS / SHARDS - 1);
    }
    LocalInference.assertSameAsLocalInference(rows, results, spots);
  }

  /** Waits (at most 30 s) until the node's /status shows the job journalled and not committed. */
  private static String awaitJournalled(DevnetInfo.Provider provider, AcceptanceDevnet devnet)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = NodeAdmin.status(provider);
      if (last != null) {
        for (String state : BEFORE_COMMIT) {
          if (last.path("jobs").path(state).asLong() > 0) {
            return state;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        provider.name()
            + " never showed its job ASSIGNED or EXECUTING within 30 s; /status: "
            + last
            + "\n"
            + devnet.logTails());
  }
}
