package io.hyphae.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.keys.KeystoreFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;

class AccountCommandTest {

  static final String KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  static final String ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

  @TempDir Path root;

  private WalletRun wallet(Map<String, String> env, String stdin, String... args) {
    return WalletRun.run(root, env, stdin, args);
  }

  private String keystore() {
    return root.resolve("ks").toString();
  }

  @Test
  void newAccountIsEncryptedWithThePasswordFileAndListed() throws Exception {
    Path passwordFile = Files.writeString(root.resolve("pw.txt"), "hunter2\n");

    WalletRun created =
        wallet(
            Map.of(),
            "",
            "account",
            "new",
            "--keystore-dir",
            keystore(),
            "--password-file",
            passwordFile.toString(),
            "--light-kdf",
            "--json");

    assertThat(created.exitCode()).as(created.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(created.out());
    String address = json.get("address").asText();
    Path file = Path.of(json.get("file").asText());
    assertThat(Keys.toChecksumAddress(KeystoreFiles.unlock(file, "hunter2").getAddress()))
        .isEqualTo(address);

    // Global options work before the subcommand as well as after it.
    WalletRun listed = wallet(Map.of(), "", "--keystore-dir", keystore(), "account", "list");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).isEqualTo("#0  " + address + "  " + file + "\n");
  }

  @Test
  void importsAHexKeyFromStdinWithThePasswordFromTheEnvironment() throws Exception {
    WalletRun imported =
        wallet(
            Map.of("HYPHAE_PASSWORD", "from-env"),
            "0x" + KEY + "\n",
            "account",
            "import",
            "--keystore-dir",
            keystore(),
            "--light-kdf");

    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("address: " + ADDRESS);
    assertThat(imported.out() + imported.err()).doesNotContain(KEY).doesNotContain("from-env");

    WalletRun listed =
        wallet(Map.of(), "", "account", "list", "--keystore-dir", keystore(), "--json");
    JsonNode entry = new ObjectMapper().readTree(listed.out()).get(0);
    assertThat(entry.get("index").asInt()).isZero();
    assertThat(entry.get("address").asText()).isEqualTo(ADDRESS);
    assertThat(KeystoreFiles.unlock(Path.of(entry.get("file").asText()), "from-env")).isNotNull();
  }

  @Test
  void importsFromAKeyFileAndRefusesADuplicate() throws Exception {
    Path keyFile = Files.writeString(root.resolve("key.hex"), KEY);
    String[] args = {
      "account",
      "import",
      "--key-file",
      keyFile.toString(),
      "--keystore-dir",
      keystore(),
      "--light-kdf"
    };
    Map<String, String> env = Map.of("HYPHAE_PASSWORD", "pw");

    assertThat(wallet(env, "", args).exitCode()).isZero();
    WalletRun again = wallet(env, "", args);

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("error: account " + ADDRESS + " is already in the keystore");
  }

  @Test
  void malformedKeyIsBadInputAndWritesNothing() {
    WalletRun run =
        wallet(
            Map.of("HYPHAE_PASSWORD", "pw"),
            "not-a-key\n",
            "account",
            "import",
            "--keystore-dir",
            keystore());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("not a private key");
    assertThat(root.resolve("ks")).doesNotExist();
  }

  @Test
  void withoutAnyPasswordSourceExplainsTheChoices() {
    WalletRun run = wallet(Map.of(), "", "account", "new", "--keystore-dir", keystore());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--password-file").contains("HYPHAE_PASSWORD");
  }

  @Test
  void missingSubcommandAndUnknownOptionsAreUsageErrors() {
    assertThat(wallet(Map.of(), "", "account").exitCode()).isEqualTo(2);
    WalletRun run = wallet(Map.of(), "", "account", "list", "--password", "x");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown options: '--password'");
  }

  @Test
  void emptyKeystoreListsNothingAndSaysSo() {
    WalletRun run = wallet(Map.of(), "", "account", "list", "--keystore-dir", keystore());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("no accounts in");
  }
}
