package io.hyphae.devnet.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JVM options a devnet gives its provider nodes. */
class NodeProcessesTest {
  private static NodeProcesses nodes(Map<String, String> environment) {
    Path root = Path.of("/tmp/hyphae-root");
    return new NodeProcesses(
        root,
        new DevnetLayout(root.resolve(".devnet")),
        environment,
        new PrintStream(OutputStream.nullOutputStream()));
  }

  @Test
  void nodesGetTheVectorApiForTheSimdPoly1305UnlessSwitchedOff() {
    // every JDK 21+ image this project runs on has the module
    assertThat(nodes(Map.of()).simdOptions())
        .containsExactly("--add-modules", "jdk.incubator.vector");
    assertThat(nodes(Map.of("HYPHAE_SIMD", "1")).simdOptions())
        .containsExactly("--add-modules", "jdk.incubator.vector");
    assertThat(nodes(Map.of("HYPHAE_SIMD", "0")).simdOptions()).isEmpty();
  }
}
