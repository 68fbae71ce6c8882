package io.hyphae.devnet.cli;

import io.hyphae.devnet.local.DevnetUp;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code devnet up}. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a local market in the background: anvil (automine, chain id 31337), the contracts,"
          + " and N provider nodes registered with stake; writes devnet.json. See docs/devnet.md.",
      "Fails (exit 1) when a devnet already runs in the directory."
    })
public final class UpCommand implements Callable<Integer> {

  @CommandLine.Mixin DirOption dir;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--providers",
      paramLabel = "N",
      description = "Provider nodes to start, 1..8 (default: ${DEFAULT-VALUE}).",
      defaultValue = "3")
  int providers;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "anvil's JSON-RPC port on 127.0.0.1 (default: ${DEFAULT-VALUE}).",
      defaultValue = "8545")
  int port;

  @Option(
      names = "--price",
      paramLabel = "WEI",
      description = "Each node's asking price per shard, in wei (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000000000000")
  BigInteger price;

  @Option(
      names = "--models",
      paramLabel = "NAME",
      split = ",",
      description = "Built-in models the nodes serve (default: ${DEFAULT-VALUE}).",
      defaultValue = "all-minilm-l6-v2-q")
  List<String> models;

  @Option(
      names = "--fresh",
      description = "Start a new chain even when a stopped devnet's state is in the directory.")
  boolean fresh;

  @Override
  public Integer call() {
    DevnetUp.Options options;
    try {
      options = new DevnetUp.Options(providers, port, price, models, fresh);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    new DevnetUp(Roots.hyphaeRoot(), dir.layout(), System.getenv(), System.out).up(options);
    return 0;
  }
}
