package io.hyphae.devnet.cli;

import io.hyphae.devnet.local.DevnetLayout;
import io.hyphae.devnet.local.DevnetUp;
import io.hyphae.devnet.local.LogTail;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code devnet logs}. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Prints the end of the devnet's logs: anvil's and each provider node's.")
public final class LogsCommand implements Callable<Integer> {

  static final int MAX_LINES = 100_000;

  @CommandLine.Mixin DirOption dir;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "anvil or provider-1..provider-8 (default: every log there is).")
  String name;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      description = "Lines from the end of each log (default: ${DEFAULT-VALUE}).",
      defaultValue = "50")
  int lines;

  @Override
  public Integer call() {
    if (lines < 1 || lines > MAX_LINES) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--lines must be 1.." + MAX_LINES + ", got " + lines);
    }
    DevnetLayout layout = dir.layout();
    List<String> names = new ArrayList<>();
    names.add("anvil");
    for (int i = 1; i <= DevnetUp.MAX_PROVIDERS; i++) {
      names.add(DevnetLayout.providerName(i));
    }
    if (name != null && !names.contains(name)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no log named '" + name + "': use anvil or provider-1..provider-8");
    }
    PrintWriter out = spec.commandLine().getOut();
    int printed = 0;
    for (String log : names) {
      if (name != null && !name.equals(log)) {
        continue;
      }
      Path file = log.equals("anvil") ? layout.anvilLog() : layout.dir().resolve(log + "/node.log");
      if (!Files.isRegularFile(file)) {
        if (name != null) {
          spec.commandLine().getErr().println("no log for " + log + " at " + file);
          return 1;
        }
        continue;
      }
      out.println("==> " + log + " (" + file + ") <==");
      LogTail.lastLines(file, lines).forEach(out::println);
      printed++;
    }
    out.flush();
    if (printed == 0) {
      spec.commandLine().getErr().println("no devnet logs in " + layout.dir());
      return 1;
    }
    return 0;
  }
}
