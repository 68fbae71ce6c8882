package io.hyphae.devnet.cli;

import io.hyphae.devnet.local.DevnetLayout;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dir}: where the devnet keeps its files. */
public final class DirOption {

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "The devnet directory (default: $"
              + DevnetLayout.ENV_DIR
              + ", else .devnet in the repository).")
  Path dir;

  /** The layout for this invocation. */
  public DevnetLayout layout() {
    return DevnetLayout.resolve(dir, System.getenv(), Roots.hyphaeRoot());
  }
}
