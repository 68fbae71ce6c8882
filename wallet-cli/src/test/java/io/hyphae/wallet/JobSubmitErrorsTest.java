package io.hyphae.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code job submit} failures that need no chain: each is a clear message and nothing is sent. */
class JobSubmitErrorsTest {
  private static final String HASH = "0x" + "ab".repeat(32);
  private static final String CONTRACTS =
      "JobMarket=0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512,"
          + "ProviderRegistry=0x5FbDB2315678afecb367f032d93F642f64180aa3";

  @TempDir Path root;
  private Path input;

  @BeforeEach
  void accountAndInput() throws Exception {
    WalletRun imported =
        WalletRun.run(
            root,
            Map.of("HYPHAE_PASSWORD", "pw"),
            "0x" + AccountCommandTest.KEY + "\n",
            "--keystore-dir",
            root.resolve("ks").toString(),
            "account",
            "import",
            "--light-kdf");
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    input = Files.writeString(root.resolve("rows.jsonl"), "\"a\"\n\"b\"\n\"c\"\n");
  }

  private WalletRun submit(String model) {
    return WalletRun.run(
        root,
        Map.of("HYPHAE_PASSWORD", "pw"),
        "",
        "--rpc",
        "http://127.0.0.1:9",
        "--keystore-dir",
        root.resolve("ks").toString(),
        "job",
        "submit",
        "--input",
        input.toString(),
        "--model",
        model,
        "--profile",
        HASH,
        "--shards",
        "1",
        "--max-price",
        "1000",
        "--contracts",
        CONTRACTS);
  }

  @Test
  void anUnknownModelNameIsABadArgument() {
    WalletRun run = submit("no-such-model");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--model no-such-model is neither 0x and 64 hex digits nor a known name");
  }

  @Test
  void anUnreachableChainIsAFailureNamingTheEndpoint() {
    WalletRun run = submit(HASH);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach the chain at http://127.0.0.1:9");
  }
}
