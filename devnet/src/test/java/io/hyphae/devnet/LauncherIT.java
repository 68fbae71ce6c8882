package io.hyphae.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./hyphae} launcher, run as a user runs it (with the jars this build packaged). */
class LauncherIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

  record Run(int exitCode, String stdout, String stderr) {}

  private static Run hyphae(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("hyphae").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().put("HYPHAE_NO_BUILD", "1");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("./hyphae " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Run(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void unknownCommandPrintsUsageAndExitsTwo() throws Exception {
    Run run = hyphae("frobnicate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("unknown command 'frobnicate'").contains("usage: ./hyphae");
  }

  @Test
  void noCommandPrintsUsageAndExitsTwo() throws Exception {
    Run run = hyphae();
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("usage: ./hyphae");
  }

  @Test
  void badOptionOfASubcommandPrintsItsUsageAndExitsTwo() throws Exception {
    Run run = hyphae("devnet", "demo", "--no-such-option");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("Unknown option: '--no-such-option'").contains("Usage:");
  }

  @Test
  void walletCommandRejectsAMalformedAddress() throws Exception {
    Run run = hyphae("balance", "0x1234");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("not an address: 0x1234");
  }

  @Test
  void accountCommandsReachTheWallet(@TempDir Path keystore) throws Exception {
    Run run = hyphae("account", "list", "--keystore-dir", keystore.toString());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("no accounts in " + keystore);
  }

  @Test
  void walletCommandsKeepAClassArchiveAndItsMessagesOutOfStdout(@TempDir Path keystore)
      throws Exception {
    Path archive = ROOT.resolve("wallet-cli/target/hyphae-wallet-cli.jsa");
    for (int i = 0; i < 2; i++) { // the first run may write the archive, the second reads it
      Run run = hyphae("account", "list", "--json", "--keystore-dir", keystore.toString());
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout().strip()).as("JSON only").startsWith("[").endsWith("]");
    }
    assertThat(archive).isRegularFile();
  }

  @Test
  void nodeConfigPrintsTheEffectiveConfiguration() throws Exception {
    Run run = hyphae("node", "config", "--admin-port", "0");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("admin-host = 127.0.0.1").contains("admin-port = 0");
  }

  @Test
  void devnetUpRefusesTooManyProvidersBeforeStartingAnything(@TempDir Path dir) throws Exception {
    Run run = hyphae("devnet", "up", "--providers", "9", "--dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("--providers must be 1..8").contains("Usage:");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void devnetUpRefusesAnUnknownModel(@TempDir Path dir) throws Exception {
    Run run = hyphae("devnet", "up", "--models", "gpt-7", "--dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("unknown model 'gpt-7'");
  }

  @Test
  void devnetLogsRefusesBadNamesAndLineCounts(@TempDir Path dir) throws Exception {
    Run badName = hyphae("devnet", "logs", "provider-9", "--dir", dir.toString());
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.stderr()).contains("no log named 'provider-9'");
    Run badLines = hyphae("devnet", "logs", "--lines", "0", "--dir", dir.toString());
    assertThat(badLines.exitCode()).isEqualTo(2);
    assertThat(badLines.stderr()).contains("--lines must be 1..");
  }

  @Test
  void devnetStatusAndDownWithoutADevnet(@TempDir Path dir) throws Exception {
    Run status = hyphae("devnet", "status", "--dir", dir.toString());
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.stdout()).contains("No devnet running in " + dir);
    Run down = hyphae("devnet", "down", "--dir", dir.toString());
    assertThat(down.exitCode()).as(down.stderr()).isZero();
    assertThat(down.stdout()).contains("No devnet running in " + dir);
  }

  @Test
  void unknownDevnetSubcommandIsABadArgument() throws Exception {
    Run run = hyphae("devnet", "sideways");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("Unmatched argument").contains("sideways");
  }
}
