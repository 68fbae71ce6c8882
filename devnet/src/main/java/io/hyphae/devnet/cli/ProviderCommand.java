package io.hyphae.devnet.cli;

import io.hyphae.devnet.local.DevnetProviders;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code devnet provider stop|start N}. */
@Command(
    name = "provider",
    mixinStandardHelpOptions = true,
    description = "Stops or starts one provider node of the running devnet.",
    subcommands = {ProviderCommand.Stop.class, ProviderCommand.Start.class})
public final class ProviderCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  static String name(CommandLine.Model.CommandSpec spec, String argument) {
    try {
      return DevnetProviders.name(argument);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code devnet provider stop N [--kill]}. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = {
        "Stops provider N's node (SIGTERM, then SIGKILL after 10 s; --kill: SIGKILL at once, like"
            + " a crash). Its journal and data stay; devnet.json records it as stopped.",
        "Stopping a provider that is not running is not an error."
      })
  static final class Stop implements Callable<Integer> {
    @CommandLine.Mixin DirOption dir;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "N", description = "The provider: 1..8 or provider-N.")
    String provider;

    @Option(names = "--kill", description = "SIGKILL at once: the node cannot stop cleanly.")
    boolean kill;

    @Override
    public Integer call() {
      new DevnetProviders(Roots.hyphaeRoot(), dir.layout(), System.getenv(), System.out)
          .stop(name(spec, provider), kill);
      return 0;
    }
  }

  /** {@code devnet provider start N}. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Starts provider N's node again as devnet up started it (same config, data directory,"
            + " journal, keystore and ports) and waits until it is healthy; it resumes the jobs its"
            + " journal says it owes.",
        "Fails (exit 1) when it is running already or the devnet's chain is not."
      })
  static final class Start implements Callable<Integer> {
    @CommandLine.Mixin DirOption dir;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "N", description = "The provider: 1..8 or provider-N.")
    String provider;

    @Override
    public Integer call() {
      new DevnetProviders(Roots.hyphaeRoot(), dir.layout(), System.getenv(), System.out)
          .start(name(spec, provider));
      return 0;
    }
  }
}
