package io.hyphae.contracts.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

class KeystoreFilesTest {

  // A well-known test key (anvil's first account); never holds real funds.
  static final String KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  static final String ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

  @TempDir Path dir;

  private Path writeTestKey(String password) {
    return KeystoreFiles.write(
        dir, ECKeyPair.create(new BigInteger(KEY, 16)), password, KdfStrength.LIGHT);
  }

  @Test
  void writesAKeystoreThatUnlocksWithItsPassword() {
    Path file = writeTestKey("correct horse");

    Credentials credentials = KeystoreFiles.unlock(file, "correct horse");

    assertThat(Keys.toChecksumAddress(credentials.getAddress())).isEqualTo(ADDRESS);
    assertThat(credentials.getEcKeyPair().getPrivateKey()).isEqualTo(new BigInteger(KEY, 16));
    assertThat(KeystoreFiles.address(file)).isEqualTo(ADDRESS);
    assertThat(file.getFileName().toString())
        .startsWith("UTC--")
        .endsWith("--" + ADDRESS.substring(2).toLowerCase() + ".json");
  }

  @Test
  void writesOwnerOnlyFilesAndLeavesNoTemporaryFileBehind() throws Exception {
    Path file = writeTestKey("pw");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void createsAMissingDirectoryOwnerOnly() throws Exception {
    Path nested = dir.resolve("a/keystore");
    Path file =
        KeystoreFiles.write(
            nested, ECKeyPair.create(new BigInteger(KEY, 16)), "pw", KdfStrength.LIGHT);

    assertThat(file.getParent()).isEqualTo(nested);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)))
        .isEqualTo("rwx------");
  }

  @Test
  void rejectsAWrongPassword() {
    Path file = writeTestKey("right");

    assertThatThrownBy(() -> KeystoreFiles.unlock(file, "wrong"))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.WRONG_PASSWORD))
        .hasMessageContaining("wrong password")
        .hasMessageNotContaining("right");
  }

  @Test
  void reportsAMissingFile() {
    assertThatThrownBy(() -> KeystoreFiles.unlock(dir.resolve("nope.json"), "pw"))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.MISSING))
        .hasMessageContaining("nope.json");
  }

  @Test
  void reportsACorruptFile() throws Exception {
    Path notJson = Files.writeString(dir.resolve("junk.json"), "{ not json");
    Path truncated = writeTestKey("pw");
    String text = Files.readString(truncated);
    Files.writeString(truncated, text.substring(0, text.length() / 2));
    Path wrongVersion = Files.writeString(dir.resolve("v1.json"), "{\"version\":1}");

    for (Path file : new Path[] {notJson, truncated, wrongVersion}) {
      assertThatThrownBy(() -> KeystoreFiles.unlock(file, "pw"))
          .as(file.toString())
          .isInstanceOfSatisfying(
              KeystoreException.class,
              e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.CORRUPT));
    }
  }

  @Test
  void reportsATamperedCiphertextAsAWrongPasswordOrCorruption() throws Exception {
    Path file = writeTestKey("pw");
    ObjectMapper json = new ObjectMapper();
    JsonNode tree = json.readTree(file.toFile());
    var crypto = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("crypto");
    String cipher = crypto.get("ciphertext").asText();
    crypto.put("ciphertext", (cipher.charAt(0) == '0' ? "1" : "0") + cipher.substring(1));
    Files.write(file, json.writeValueAsBytes(tree));

    // The MAC covers the ciphertext: tampering is indistinguishable from a wrong password.
    assertThatThrownBy(() -> KeystoreFiles.unlock(file, "pw"))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.WRONG_PASSWORD));
  }

  @Test
  void refusesAnEmptyPassword() {
    assertThatThrownBy(() -> writeTestKey(""))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.NO_PASSWORD));
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void standardStrengthWritesWeb3jStandardScryptParameters() throws Exception {
    Path file =
        KeystoreFiles.write(
            dir, ECKeyPair.create(new BigInteger(KEY, 16)), "pw", KdfStrength.STANDARD);

    JsonNode kdf = new ObjectMapper().readTree(file.toFile()).get("crypto");
    assertThat(kdf.get("kdf").asText()).isEqualTo("scrypt");
    assertThat(kdf.get("kdfparams").get("n").asInt()).isEqualTo(262144);
    assertThat(kdf.get("kdfparams").get("p").asInt()).isEqualTo(1);
  }

  @Test
  void atomicWriteReplacesAWholeFile() throws Exception {
    Path target = dir.resolve("f.json");
    KeystoreFiles.writeAtomically(target, "old".getBytes(StandardCharsets.UTF_8));
    KeystoreFiles.writeAtomically(target, "new".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(target)).isEqualTo("new");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }
}
