package io.hyphae.node.inference;

import java.nio.file.Path;

/**
 * Where the tokenizer's native library is unpacked. DJL reads {@code DJL_CACHE_DIR} (system
 * property, then environment) and otherwise writes to {@code ~/.djl.ai}; Hyphae keeps it under
 * {@code ~/.cache/hyphae/djl} unless told otherwise. Tests set the property to a folder in target/.
 *
 * <p>On a machine with an NVIDIA GPU, DJL picks a CUDA build of the tokenizer library, which the
 * jar does not hold, and tries to download it (seen on an H100 host: "Failed to load Huggingface
 * native library"). Tokenizing runs on the CPU whatever the inference device, so the CPU build that
 * ships in the jar is always the one to load, and nothing is ever downloaded.
 */
public final class NativeLibraries {

  /** Sets DJL's cache folder if neither the property nor the environment sets it. */
  public static synchronized void configureDjlCache() {
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      Path dir = Path.of(System.getProperty("user.home"), ".cache", "hyphae", "djl");
      System.setProperty("DJL_CACHE_DIR", dir.toString());
    }
    if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
      System.setProperty("RUST_FLAVOR", "cpu");
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    // DJL would otherwise report usage over the network; these machines have none to spare.
    if (System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }

  private NativeLibraries() {}
}
