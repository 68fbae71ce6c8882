package io.hyphae.node.inference;

import java.nio.file.Path;

/**
 * Where the tokenizer's native library is unpacked. DJL reads {@code DJL_CACHE_DIR} (system
 * property, then environment) and otherwise writes to {@code ~/.djl.ai}; Hyphae keeps it under
 * {@code ~/.cache/hyphae/djl} unless told otherwise. Tests set the property to a folder in target/.
 */
public final class NativeLibraries {

  /** Sets DJL's cache folder if neither the property nor the environment sets it. */
  public static synchronized void configureDjlCache() {
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      Path dir = Path.of(System.getProperty("user.home"), ".cache", "hyphae", "djl");
      System.setProperty("DJL_CACHE_DIR", dir.toString());
    }
    // DJL would otherwise report usage over the network; these machines have none to spare.
    if (System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }

  private NativeLibraries() {}
}
