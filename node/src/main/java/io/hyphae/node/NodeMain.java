package io.hyphae.node;

import io.hyphae.node.cli.EmbedCommand;
import io.hyphae.node.cli.HardwareCommand;
import io.hyphae.node.cli.ModelsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hyphae node}: the provider daemon. Its subcommands grow with the node's parts. */
@Command(
    name = "hyphae node",
    mixinStandardHelpOptions = true,
    description = "The Hyphae provider node.",
    subcommands = {HardwareCommand.class, ModelsCommand.class, EmbedCommand.class})
public final class NodeMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  public static void main(String[] args) {
    CommandLine cli =
        new CommandLine(new NodeMain())
            // A failure is a message for people, not a stack trace.
            .setExecutionExceptionHandler(
                (e, commandLine, parsed) -> {
                  commandLine.getErr().println("error: " + e.getMessage());
                  return 1;
                });
    System.exit(cli.execute(args));
  }
}
