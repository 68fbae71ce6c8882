package io.hyphae.devnet;

import io.hyphae.devnet.bench.BenchCommand;
import io.hyphae.devnet.cli.DemoCommand;
import io.hyphae.devnet.cli.DownCommand;
import io.hyphae.devnet.cli.LogsCommand;
import io.hyphae.devnet.cli.ProviderCommand;
import io.hyphae.devnet.cli.StatusCommand;
import io.hyphae.devnet.cli.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hyphae devnet}: a whole Hyphae market on one machine. Exit codes: 0 success, 1 failure
 * (the message says why), 2 bad arguments.
 */
@Command(
    name = "hyphae devnet",
    mixinStandardHelpOptions = true,
    description = "Runs a local Hyphae market: an anvil chain, the contracts and provider nodes.",
    subcommands = {
      UpCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      DownCommand.class,
      ProviderCommand.class,
      DemoCommand.class,
      BenchCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure (the message says why)", "2:bad arguments"})
public final class DevnetMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  /** The command line with Hyphae's error handling, for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new DevnetMain())
        // A failure is a message for people, not a stack trace.
        .setExecutionExceptionHandler(
            (e, commandLine, parsed) -> {
              commandLine.getErr().println("error: " + e.getMessage());
              return 1;
            });
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
