package io.hyphae.devnet.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevnetLayoutTest {

  @Test
  void theFlagBeatsTheEnvironmentWhichBeatsTheRepositoryDefault() {
    Path root = Path.of("/repo");
    assertThat(DevnetLayout.resolve(null, Map.of(), root).dir())
        .isEqualTo(Path.of("/repo/.devnet"));
    assertThat(DevnetLayout.resolve(null, Map.of(DevnetLayout.ENV_DIR, "/env"), root).dir())
        .isEqualTo(Path.of("/env"));
    assertThat(
            DevnetLayout.resolve(Path.of("/flag"), Map.of(DevnetLayout.ENV_DIR, "/env"), root)
                .dir())
        .isEqualTo(Path.of("/flag"));
  }

  @Test
  void markersArePathsInsideTheDevnetDirectory() {
    DevnetLayout layout = new DevnetLayout(Path.of("/x/.devnet"));
    assertThat(layout.anvilMarker()).isEqualTo("/x/.devnet/anvil-state.json");
    assertThat(layout.nodeMarker("provider-2")).isEqualTo("/x/.devnet/provider-2/node.conf");
    assertThat(layout.nodeConfig(2).toString()).isEqualTo(layout.nodeMarker("provider-2"));
  }

  @Test
  void optionsAreCheckedAndModelNamesMatchWithoutCase() {
    DevnetUp.Options options =
        new DevnetUp.Options(2, 8545, BigInteger.ONE, List.of("ALL-minilm-L6-v2-q"), false);
    assertThat(options.models()).containsExactly("all-MiniLM-L6-v2-q");
    assertThatThrownBy(
            () ->
                new DevnetUp.Options(9, 8545, BigInteger.ONE, List.of("all-minilm-l6-v2-q"), false))
        .hasMessageContaining("--providers must be 1..8");
    assertThatThrownBy(
            () -> new DevnetUp.Options(1, 0, BigInteger.ONE, List.of("all-minilm-l6-v2-q"), false))
        .hasMessageContaining("--port must be 1..65535");
    assertThatThrownBy(() -> new DevnetUp.Options(1, 8545, BigInteger.ONE, List.of("gpt-7"), false))
        .hasMessageContaining("unknown model 'gpt-7'");
  }

  @Test
  void logTailKeepsTheLastLines(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("x.log");
    Files.writeString(log, "a\nb\nc\nd\n");
    assertThat(LogTail.lastLines(log, 2)).containsExactly("c", "d");
    assertThat(LogTail.lastLines(log, 10)).containsExactly("a", "b", "c", "d");
    assertThat(LogTail.lastLines(dir.resolve("missing.log"), 5)).isEmpty();
  }

  @Test
  void aPidCountsAsOursOnlyWhileItsCommandLineHoldsTheMarker() {
    long self = ProcessHandle.current().pid();
    assertThat(DetachedProcess.alive(self, "no-such-marker-in-this-command-line")).isFalse();
    assertThat(
            DetachedProcess.stop(
                self, "no-such-marker-in-this-command-line", java.time.Duration.ofSeconds(1)))
        .isEqualTo(DetachedProcess.Stopped.NOT_RUNNING);
    assertThat(DetachedProcess.alive(0, "")).isFalse();
  }

  @Test
  void peerIdsAreSecp256k1IdsOfTheAccountKeys() {
    String peer = DevnetUp.peerId(new io.hyphae.contracts.chain.DevnetAccounts().account(1));
    assertThat(peer).startsWith("16Uiu2HA");
  }
}
