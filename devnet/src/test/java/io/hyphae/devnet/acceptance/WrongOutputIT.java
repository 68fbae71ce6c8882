package io.hyphae.devnet.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.generated.ProviderRegistry;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider that returns wrong outputs (the node's test-only {@code fault = wrong-output}: its
 * receipts and committed root are over the wrong outputs, as a dishonest provider's would be) is
 * caught by the requester's spot check, challenged by {@code job submit}, and slashed by the
 * committee of the other two devnet nodes, which receive the evidence, re-run the shard and vote.
 */
@ExtendWith(SharedDevnet.class)
@Order(Order.DEFAULT + 4)
class WrongOutputIT {

  private static final int ROWS = 300;
  private static final int SHARDS = 3;
  private static final BigInteger MAX_PRICE = BigInteger.TEN.pow(13);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aWrongOutputProviderIsChallengedAndSlashedByTheCommittee(AcceptanceDevnet devnet)
      throws Exception {
    devnet.ensureAllRunning();
    DevnetInfo.Provider liar = devnet.info().providers().get(0);
    Path config = devnet.layout().dir().resolve(liar.name()).resolve("node.conf");
    String honestConfig = Files.readString(config);
    String dir = devnet.layout().dir().toString();
    restart(liar, dir, () -> Files.writeString(config, honestConfig + "\nfault = wrong-output\n"));
    try {
      Path work = devnet.scratch("wrong-output");
      Path input = DemoInput.write(work.resolve("input.jsonl"), ROWS);
      Path output = work.resolve("output.jsonl");
      ProviderRegistry.Provider before;
      try (ChainView chain = devnet.chain()) {
        before = chain.provider(liar.address());
      }

      WalletProcess.Result run;
      try (WalletProcess wallet =
          WalletProcess.start(
              devnet.root(),
              work.resolve("jobs"),
              devnet.jobSubmit(input, SHARDS, MAX_PRICE, "--out", output.toString()))) {
        // Spot checks, the challenge, the 30 s voting and up to 20 s reveal periods, settlement.
        run = wallet.awaitExit(Duration.ofSeconds(300));
      }

      assertThat(run.exitCode()).as("%s%n%s", run, devnet.logTails()).isZero();
      JsonNode report = JSON.readTree(run.stdout());
      assertThat(report.path("verification").asText()).as(report.toString()).isEqualTo("failed");
      JsonNode challenges = report.path("challenges");
      assertThat(challenges).as(report.toString()).hasSize(1);
      JsonNode challenge = challenges.get(0);
      assertThat(challenge.path("provider").asText()).isEqualToIgnoringCase(liar.address());
      assertThat(challenge.path("verdict").asText()).as(challenge.toString()).isEqualTo("Upheld");
      assertThat(challenge.path("members")).hasSize(AcceptanceDevnet.PROVIDERS - 1);
      for (JsonNode e : challenge.path("evidence")) {
        assertThat(e.path("status").asText()).as(e.toString()).isEqualTo("ACCEPTED");
      }
      for (JsonNode a : report.path("assignments")) {
        boolean liars = a.path("provider").asText().equalsIgnoreCase(liar.address());
        assertThat(a.path("status").asText())
            .as(a.toString())
            .isEqualTo(liars ? "Slashed" : "Finalized");
      }

      // The liar lost its collateral to the committee's verdict; nothing stays locked.
      try (ChainView chain = devnet.chain()) {
        ProviderRegistry.Provider after = chain.provider(liar.address());
        assertThat(after.stake).as("slashed").isLessThan(before.stake);
        assertThat(after.timesSlashed).isEqualTo(before.timesSlashed.add(BigInteger.ONE));
        assertThat(after.locked).as("nothing left locked").isEqualTo(before.locked);
        assertThat(chain.withdrawable(devnet.requesterAddress()))
            .as("the refund and bond were paid out")
            .isZero();
      }

      // Only the honest shards' rows were written, and they equal local inference.
      List<String> results = Files.readAllLines(output);
      assertThat(results).hasSize(ROWS - ROWS / SHARDS);
      List<String> rows = Files.readAllLines(input);
      List<String> byRow = new ArrayList<>(Collections.nCopies(ROWS, "{}"));
      List<Integer> spots = new ArrayList<>();
      for (String line : results) {
        int row = JSON.readTree(line).path("row").asInt();
        byRow.set(row, line);
        if (row % 37 == 0) {
          spots.add(row);
        }
      }
      assertThat(spots).isNotEmpty();
      LocalInference.assertSameAsLocalInference(rows, byRow, spots);
    } finally {
      restart(liar, dir, () -> Files.writeString(config, honestConfig));
    }
  }

  private interface ConfigChange {
    void apply() throws Exception;
  }

  private static void restart(DevnetInfo.Provider p, String dir, ConfigChange change)
      throws Exception {
    DevnetCli.Run stop = DevnetCli.run("provider", "stop", p.name(), "--dir", dir);
    assertThat(stop.code()).as(stop.toString()).isZero();
    change.apply();
    DevnetCli.Run start = DevnetCli.run("provider", "start", p.name(), "--dir", dir);
    assertThat(start.code()).as(start.toString()).isZero();
  }
}
