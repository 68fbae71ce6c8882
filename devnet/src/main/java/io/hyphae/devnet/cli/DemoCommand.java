package io.hyphae.devnet.cli;

import io.hyphae.devnet.demo.Demo;
import io.hyphae.devnet.demo.WalletJobSubmission;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}, also {@code ./hyphae demo}. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Brings a devnet up with 3 providers (or uses the one running), writes 1,000 sentences,"
          + " submits them as a 6-shard job with job submit, prints who served what, the time,"
          + " price, gas, verification and balances, then stops the devnet it started.",
      "See README.md and docs/devnet.md."
    })
public final class DemoCommand implements Callable<Integer> {

  @CommandLine.Mixin DirOption dir;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "anvil's port when the demo starts the devnet (default: ${DEFAULT-VALUE}).",
      defaultValue = "8545")
  int port;

  @Override
  public Integer call() {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 1..65535, got " + port);
    }
    Demo.Result result =
        new Demo(
                Roots.hyphaeRoot(),
                dir.layout(),
                System.getenv(),
                System.out,
                new WalletJobSubmission(Roots.hyphaeRoot(), System.err))
            .run(port);
    if (result.failure().isPresent()) {
      spec.commandLine()
          .getErr()
          .println("error: the demo did not complete: " + result.failure().get());
      return 1;
    }
    System.out.println("Demo complete.");
    return 0;
  }
}
