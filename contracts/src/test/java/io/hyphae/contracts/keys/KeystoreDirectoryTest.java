package io.hyphae.contracts.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;

class KeystoreDirectoryTest {

  @TempDir Path dir;

  @Test
  void createdAccountsAreListedAndUnlock() {
    KeystoreDirectory keystore = new KeystoreDirectory(dir.resolve("ks"));
    assertThat(keystore.list()).isEmpty();

    KeystoreDirectory.Account a = keystore.create("pw-a", KdfStrength.LIGHT);
    KeystoreDirectory.Account b = keystore.create("pw-b", KdfStrength.LIGHT);

    assertThat(keystore.list()).containsExactlyInAnyOrder(a, b);
    assertThat(Keys.toChecksumAddress(keystore.unlock(b, "pw-b").getAddress()))
        .isEqualTo(b.address());
  }

  @Test
  void importsAHexKeyOnceAndRefusesItTwice() {
    KeystoreDirectory keystore = new KeystoreDirectory(dir);

    KeystoreDirectory.Account account =
        keystore.importKey("0x" + KeystoreFilesTest.KEY + "\n", "pw", KdfStrength.LIGHT);

    assertThat(account.address()).isEqualTo(KeystoreFilesTest.ADDRESS);
    assertThatThrownBy(() -> keystore.importKey(KeystoreFilesTest.KEY, "pw", KdfStrength.LIGHT))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.ALREADY_EXISTS));
    assertThat(keystore.list()).hasSize(1);
  }

  @Test
  void rejectsMalformedPrivateKeys() {
    KeystoreDirectory keystore = new KeystoreDirectory(dir);
    for (String bad :
        new String[] {
          "1234",
          "zz" + KeystoreFilesTest.KEY.substring(2),
          "0".repeat(64),
          "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"
        }) {
      assertThatThrownBy(() -> keystore.importKey(bad, "pw", KdfStrength.LIGHT))
          .as(bad)
          .isInstanceOfSatisfying(
              KeystoreException.class,
              e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.BAD_KEY))
          .hasMessageNotContaining(bad);
    }
    assertThat(keystore.list()).isEmpty();
  }

  @Test
  void listingSkipsFilesThatAreNotKeystores() throws Exception {
    KeystoreDirectory keystore = new KeystoreDirectory(dir);
    KeystoreDirectory.Account account =
        keystore.importKey(KeystoreFilesTest.KEY, "pw", KdfStrength.LIGHT);
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.writeString(dir.resolve(".tmp-123.part"), "{");

    assertThat(keystore.list()).containsExactly(account);
  }

  @Test
  void selectsByAddressIndexOrTheOnlyAccount() {
    KeystoreDirectory keystore = new KeystoreDirectory(dir);
    KeystoreDirectory.Account only =
        keystore.importKey(KeystoreFilesTest.KEY, "pw", KdfStrength.LIGHT);

    assertThat(keystore.select(Optional.empty())).isEqualTo(only);
    assertThat(keystore.select(Optional.of("0"))).isEqualTo(only);
    assertThat(keystore.select(Optional.of(only.address().toLowerCase()))).isEqualTo(only);
    assertThatThrownBy(() -> keystore.select(Optional.of("1")))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.NO_SUCH_ACCOUNT));

    keystore.create("pw", KdfStrength.LIGHT);
    assertThatThrownBy(() -> keystore.select(Optional.empty()))
        .hasMessageContaining("choose one with --account");
  }

  @Test
  void defaultLocationFollowsTheEnvironment() {
    assertThat(KeystoreDirectory.defaultLocation(Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".hyphae", "keystore"));
    assertThat(KeystoreDirectory.defaultLocation(Map.of("HYPHAE_KEYSTORE_DIR", "/tmp/k")))
        .isEqualTo(Path.of("/tmp/k"));
  }
}
