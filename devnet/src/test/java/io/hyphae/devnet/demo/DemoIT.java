package io.hyphae.devnet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.devnet.local.DevnetLayout;
import io.hyphae.devnet.testing.LocalInference;
import io.hyphae.devnet.testing.TestProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end: a 3-provider devnet, the generated input, the job through the wallet's
 * {@code job submit}, and nothing left running afterwards. While this build's wallet has no {@code
 * job submit}, the demo must say exactly that rather than pretend.
 */
class DemoIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();

  @TempDir Path temp;

  @AfterEach
  void stopEverythingLeft() {
    TestProcesses.under(temp).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void demoRunsTheJobOrSaysClearlyWhyNotAndLeavesNothingRunning() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    DevnetLayout layout = new DevnetLayout(temp.resolve("devnet"));
    WalletJobSubmission wallet = new WalletJobSubmission(ROOT, out);

    Demo.Result result =
        new Demo(ROOT, layout, System.getenv(), out, wallet).run(TestProcesses.freePort());

    String text = printed.toString(StandardCharsets.UTF_8);
    DevnetInfo devnet = result.devnet();
    assertThat(result.startedDevnet()).isTrue();
    assertThat(devnet.providers()).hasSize(Demo.PROVIDERS);
    assertThat(text)
        .contains("provider-3 healthy")
        .contains("Stopping the devnet the demo started");
    List<String> rows = Files.readAllLines(result.input());
    assertThat(rows).hasSize(Demo.ROWS).doesNotHaveDuplicates();

    if (wallet.unavailable().isPresent()) {
      assertThat(result.failure())
          .hasValueSatisfying(why -> assertThat(why).startsWith("job submit is not available"));
      assertThat(result.job()).isEmpty();
    } else {
      assertThat(result.failure()).as(text).isEmpty();
      assertThat(result.job()).isPresent();
      List<String> output = Files.readAllLines(layout.demoOutput());
      assertThat(output).hasSize(Demo.ROWS);
      assertThat(text)
          .contains("The market (./hyphae market): 3 providers advertise")
          .contains("Who served which shards")
          .contains("verification: passed")
          .contains("state: FINALIZED")
          .contains("Balances");
      assertThat(text.lines().filter(l -> l.contains(", Finalized, paid ")))
          .hasSize(Demo.PROVIDERS);
      LocalInference.assertSameAsLocalInference(rows, output, List.of(0, 166, 167, 500, 833, 999));
    }

    assertThat(ProcessHandle.of(devnet.anvilPid()).map(ProcessHandle::isAlive))
        .isNotEqualTo(Optional.of(true));
    for (DevnetInfo.Provider p : devnet.providers()) {
      assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
    }
    assertThat(TestProcesses.under(temp)).isEmpty();
  }
}
