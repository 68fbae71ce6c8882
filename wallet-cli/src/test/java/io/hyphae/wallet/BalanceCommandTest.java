package io.hyphae.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BalanceCommandTest {

  @TempDir Path root;

  @Test
  void rejectsAMalformedAddressAsABadArgument() {
    WalletRun run = WalletRun.run(root, Map.of(), "", "balance", "0x1234");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("not an address: 0x1234");
  }

  @Test
  void rejectsAnAddressTogetherWithAnAccount() {
    WalletRun run =
        WalletRun.run(root, Map.of(), "", "balance", AccountCommandTest.ADDRESS, "--account", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("not both");
  }

  @Test
  void withNoAddressAndAnEmptyKeystoreSaysHowToCreateAnAccount() {
    WalletRun run =
        WalletRun.run(
            root, Map.of(), "", "balance", "--keystore-dir", root.resolve("ks").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("holds no account").contains("account new");
  }

  @Test
  void unreachableChainIsAFailureWithTheEndpointNamed() {
    // Port 9 (discard) on loopback: nothing listens there on these machines.
    WalletRun run =
        WalletRun.run(
            root,
            Map.of(),
            "",
            "balance",
            AccountCommandTest.ADDRESS,
            "--rpc",
            "http://127.0.0.1:9");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: cannot reach the chain at http://127.0.0.1:9");
  }

  @Test
  void malformedDevnetFileIsReportedWithItsPath() throws Exception {
    Path devnet = root.resolve(".devnet/devnet.json");
    java.nio.file.Files.createDirectories(devnet.getParent());
    java.nio.file.Files.writeString(devnet, "{\"version\": 7}");

    WalletRun run = WalletRun.run(root, Map.of(), "", "balance", AccountCommandTest.ADDRESS);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(devnet.toString()).contains("version 7");
  }
}
