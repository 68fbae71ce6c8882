package io.hyphae.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

  @Test
  void demoDeploysTheRegistryAndLeavesNoAnvilRunning() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Demo.Result result =
        new Demo(ROOT, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

    assertThat(result.registryAddress()).matches("0x[0-9a-fA-F]{40}");
    assertThat(result.gasUsed()).isPositive();
    assertThat(ProcessHandle.of(result.anvilPid()).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("ProviderRegistry at " + result.registryAddress());
  }
}
