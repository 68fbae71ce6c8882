package io.hyphae.devnet;

import io.hyphae.devnet.bench.BenchCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hyphae-devnet}: a whole Hyphae market on one machine. */
@Command(
    name = "hyphae devnet",
    mixinStandardHelpOptions = true,
    description = "Runs a local Hyphae market: an anvil chain and the contracts.",
    subcommands = {DevnetMain.DemoCommand.class, BenchCommand.class})
public final class DevnetMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  public static void main(String[] args) {
    CommandLine cli =
        new CommandLine(new DevnetMain())
            // A failure is a message for people, not a stack trace.
            .setExecutionExceptionHandler(
                (e, commandLine, parsed) -> {
                  commandLine.getErr().println("error: " + e.getMessage());
                  return 1;
                });
    System.exit(cli.execute(args));
  }

  /** Where the repository is: set by the launcher, else the working directory. */
  static Path hyphaeRoot() {
    return Path.of(System.getProperty("hyphae.root", ".")).toAbsolutePath().normalize();
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = "Starts anvil, deploys the contracts, prints their addresses and stops anvil.")
  static final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      new Demo(hyphaeRoot(), System.out).run();
      return 0;
    }
  }
}
