package io.hyphae.devnet.cli;

import java.nio.file.Path;

/** Where the repository is: set by the launcher ({@code -Dhyphae.root}), else the working dir. */
public final class Roots {
  private Roots() {}

  public static Path hyphaeRoot() {
    return Path.of(System.getProperty("hyphae.root", ".")).toAbsolutePath().normalize();
  }
}
