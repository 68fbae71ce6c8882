package io.hyphae.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code balance} against a real anvil chain on loopback. */
class BalanceIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
  private static final Path ANVIL =
      ROOT.resolve("contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
  private static final Pattern LISTENING = Pattern.compile("Listening on ([0-9.]+):(\\d+)");

  private static Process anvil;
  private static String rpcUrl;

  @TempDir Path root;

  @BeforeAll
  static void startAnvil() throws Exception {
    anvil =
        new ProcessBuilder(ANVIL.toString(), "--host", "127.0.0.1", "--port", "0")
            .redirectErrorStream(true)
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(anvil::destroyForcibly));
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(anvil.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    url.complete("http://" + m.group(1) + ":" + m.group(2));
                  }
                }
                url.completeExceptionally(new IllegalStateException("anvil exited"));
              } catch (Exception e) {
                url.completeExceptionally(e);
              }
            });
    rpcUrl = url.get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopAnvil() throws Exception {
    anvil.destroy();
    if (!anvil.waitFor(10, TimeUnit.SECONDS)) {
      anvil.destroyForcibly();
    }
  }

  @Test
  void printsAnAnvilAccountsBalanceAsJson() throws Exception {
    WalletRun run =
        WalletRun.run(
            root, Map.of(), "", "balance", AccountCommandTest.ADDRESS, "--rpc", rpcUrl, "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("address").asText()).isEqualTo(AccountCommandTest.ADDRESS);
    assertThat(json.get("wei").asText()).isEqualTo("10000000000000000000000");
    assertThat(json.get("eth").asText()).isEqualTo("10000");
    assertThat(json.get("chainId").asLong()).isEqualTo(31337);
  }

  @Test
  void takesTheRpcUrlFromTheDevnetFileAndTheAddressFromTheKeystore() {
    DevnetInfo.of(rpcUrl, 31337, Map.of()).write(root.resolve(DevnetInfo.RELATIVE_PATH));
    String keystore = root.resolve("ks").toString();
    WalletRun imported =
        WalletRun.run(
            root,
            Map.of("HYPHAE_PASSWORD", "pw"),
            AccountCommandTest.KEY,
            "account",
            "import",
            "--keystore-dir",
            keystore,
            "--light-kdf");
    assertThat(imported.exitCode()).as(imported.err()).isZero();

    WalletRun run = WalletRun.run(root, Map.of(), "", "balance", "--keystore-dir", keystore);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("10000 ETH (10000000000000000000000 wei)\n");
  }
}
