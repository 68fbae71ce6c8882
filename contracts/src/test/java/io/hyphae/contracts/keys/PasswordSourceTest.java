package io.hyphae.contracts.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordSourceTest {

  @TempDir Path dir;

  @Test
  void readsTheFirstLineOfAPasswordFile() throws Exception {
    Path unix = Files.writeString(dir.resolve("a"), "s3cret pass\nignored\n");
    Path windows = Files.writeString(dir.resolve("b"), "s3cret pass\r\n");
    Path bare = Files.writeString(dir.resolve("c"), "s3cret pass");

    for (Path file : new Path[] {unix, windows, bare}) {
      assertThat(new PasswordSource.FromFile(file).read(Map.of())).isEqualTo("s3cret pass");
    }
  }

  @Test
  void refusesMissingEmptyOrHugePasswordFiles() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Path huge = Files.write(dir.resolve("huge"), new byte[PasswordSource.MAX_FILE_BYTES + 1]);

    assertThatThrownBy(() -> new PasswordSource.FromFile(dir.resolve("none")).read(Map.of()))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.MISSING));
    assertThatThrownBy(() -> new PasswordSource.FromFile(empty).read(Map.of()))
        .hasMessageContaining("is empty");
    assertThatThrownBy(() -> new PasswordSource.FromFile(huge).read(Map.of()))
        .hasMessageContaining("larger than");
  }

  @Test
  void readsAnEnvironmentVariable() {
    PasswordSource source = new PasswordSource.FromEnvironment("HYPHAE_PASSWORD");

    assertThat(source.read(Map.of("HYPHAE_PASSWORD", "pw"))).isEqualTo("pw");
    assertThatThrownBy(() -> source.read(Map.of()))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.NO_PASSWORD))
        .hasMessageContaining("HYPHAE_PASSWORD");
  }

  @Test
  void choosesFileThenEnvironmentThenPrompt() {
    Path file = dir.resolve("pw");
    Map<String, String> withVariable = Map.of("HYPHAE_PASSWORD", "pw");

    assertThat(PasswordSource.choose(Optional.of(file), withVariable))
        .isEqualTo(new PasswordSource.FromFile(file));
    assertThat(PasswordSource.choose(Optional.empty(), withVariable))
        .isEqualTo(new PasswordSource.FromEnvironment("HYPHAE_PASSWORD"));
    assertThat(PasswordSource.choose(Optional.empty(), Map.of()))
        .isEqualTo(new PasswordSource.Prompt());
  }

  @Test
  void promptWithoutATerminalSaysWhatToDoInstead() {
    // Tests run without a console (surefire pipes stdin): the prompt must fail with a hint.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.console() == null);
    assertThatThrownBy(() -> new PasswordSource.Prompt().read(Map.of()))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.NO_PASSWORD))
        .hasMessageContaining("--password-file")
        .hasMessageContaining("HYPHAE_PASSWORD");
  }
}
