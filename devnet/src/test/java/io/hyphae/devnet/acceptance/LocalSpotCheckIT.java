package io.hyphae.devnet.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.devnet.demo.DemoInput;
import io.hyphae.devnet.testing.AcceptanceDevnet;
import io.hyphae.devnet.testing.SharedDevnet;
import io.hyphae.devnet.testing.WalletProcess;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job served by a single provider has no other provider to re-run its spot checks: {@code job
 * submit} re-runs them on this machine with the node program next to the wallet ({@code ./hyphae
 * node embed}), and they match bit for bit ({@code cpu-det-v1}).
 */
@ExtendWith(SharedDevnet.class)
@Order(Order.DEFAULT + 5)
class LocalSpotCheckIT {

  private static final int ROWS = 40;
  private static final int SHARDS = 2;
  private static final BigInteger MAX_PRICE = BigInteger.TEN.pow(13);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void withOneProviderTheSpotChecksAreReRunLocally(AcceptanceDevnet devnet) throws Exception {
    devnet.ensureAllRunning();
    DevnetInfo.Provider only = devnet.info().providers().get(1);
    Path work = devnet.scratch("local-spot-check");
    Path input = DemoInput.write(work.resolve("input.jsonl"), ROWS);

    WalletProcess.Result run;
    try (WalletProcess wallet =
        WalletProcess.start(
            devnet.root(),
            work.resolve("jobs"),
            devnet.jobSubmit(input, SHARDS, MAX_PRICE, "--providers", only.multiaddr()))) {
      // Settled before it returns, so no payment of this job lands during the next test.
      run = wallet.awaitExit(Duration.ofSeconds(180));
    }

    assertThat(run.exitCode()).as("%s%n%s", run, devnet.logTails()).isZero();
    JsonNode report = JSON.readTree(run.stdout());
    assertThat(report.path("verification").asText()).as(report.toString()).isEqualTo("passed");
    assertThat(report.path("state").asText()).isEqualTo("FINALIZED");
    List<String> checks = new ArrayList<>();
    report.path("checks").forEach(c -> checks.add(c.asText()));
    assertThat(checks)
        .as(report.toString())
        .hasSize(SHARDS)
        .allMatch(
            c ->
                c.contains("rows match the local re-run (no other provider to re-run it)")
                    && c.endsWith("bit for bit"));
    for (JsonNode a : report.path("assignments")) {
      assertThat(a.path("provider").asText()).isEqualToIgnoringCase(only.address());
    }
  }
}
