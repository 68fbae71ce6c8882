package io.hyphae.node.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class NativeLibrariesTest {

  /**
   * On a GPU host DJL would pick a CUDA tokenizer build that the jar lacks and try to download it;
   * the CPU build in the jar must be chosen, offline.
   */
  @Test
  void tokenizerLibraryIsTheCpuBuildAndNothingIsDownloaded() {
    assumeTrue(System.getenv("RUST_FLAVOR") == null, "RUST_FLAVOR set in the environment");
    NativeLibraries.configureDjlCache();
    assertEquals("cpu", System.getProperty("RUST_FLAVOR"));
    assertEquals("true", System.getProperty("ai.djl.offline"));
  }
}
