package io.hyphae.devnet.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hyphae bench <what>}: benchmarks, run on demand and never as tests. Each subcommand prints
 * a table for people and, with {@code --json}, the same figures as one JSON object; results are
 * recorded in docs/benchmarks.md with the machine and the date.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures Hyphae's parts on this machine.",
    subcommands = {
      GasBench.class,
      InferenceBench.class,
      MarketBench.class,
      P2pBench.class,
      GossipBench.class
    })
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a benchmark to run");
  }
}
