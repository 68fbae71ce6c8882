package io.hyphae.devnet.cli;

import io.hyphae.devnet.local.DevnetDown;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code devnet down}. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = {
      "Stops the devnet's nodes and anvil (SIGTERM, then SIGKILL after 10 s), each only while its"
          + " pid still runs the command the devnet started.",
      "Keeps the chain state, keys and journals for the next up unless --clean."
    })
public final class DownCommand implements Callable<Integer> {

  @CommandLine.Mixin DirOption dir;

  @Option(
      names = "--clean",
      description = "Also remove the chain state, keys, node configs, journals and logs.")
  boolean clean;

  @Override
  public Integer call() {
    new DevnetDown(dir.layout(), System.out).down(clean);
    return 0;
  }
}
