package io.hyphae.node;

import io.hyphae.node.cli.EmbedCommand;
import io.hyphae.node.cli.HardwareCommand;
import io.hyphae.node.cli.ModelsCommand;
import io.hyphae.node.config.NodeConfig;
import io.hyphae.node.config.NodeConfigException;
import io.hyphae.node.config.NodeConfigLoader;
import io.hyphae.node.config.NodeConfigOptions;
import io.hyphae.node.config.NodeOption;
import io.hyphae.node.run.NodeRunner;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hyphae node}: the provider daemon. Exit codes: 0 success, 1 failure (the message says
 * why), 2 bad arguments or configuration.
 */
@Command(
    name = "hyphae node",
    mixinStandardHelpOptions = true,
    description = "The Hyphae provider node.",
    subcommands = {
      NodeMain.RunCommand.class,
      NodeMain.ConfigCommand.class,
      HardwareCommand.class,
      ModelsCommand.class,
      EmbedCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure (the message says why)",
      "2:bad arguments or configuration"
    })
public final class NodeMain implements Runnable {

  /** How long a SIGINT/SIGTERM waits for the orderly stop before the JVM exits anyway. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  /** The command line with Hyphae's error handling, for {@link #main} and for tests. */
  static CommandLine commandLine() {
    return new CommandLine(new NodeMain())
        // A failure is a message for people, not a stack trace.
        .setExecutionExceptionHandler(
            (e, commandLine, parsed) -> {
              commandLine.getErr().println("error: " + e.getMessage());
              return e instanceof NodeConfigException ? 2 : 1;
            });
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (!RunCommand.stoppedBySignal) {
      // System.exit during shutdown hooks would block forever; a signal ends the JVM anyway.
      System.exit(code);
    }
  }

  /** Loads the configuration, applying the log level before anything logs. */
  static NodeConfig loadConfig(NodeConfigOptions options) {
    NodeConfig config = options.load(System.getenv());
    // tools/logback.xml reads HYPHAE_LOG_LEVEL; a system property beats the environment there.
    System.setProperty("HYPHAE_LOG_LEVEL", config.logLevel().name());
    return config;
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the node until SIGINT or SIGTERM: unlocks the keystore, opens the job journal and"
            + " serves /metrics, /healthz and /status.",
        "It does no market work yet (no chain watching, p2p, bidding or inference): see"
            + " docs/node.md."
      })
  static final class RunCommand implements Callable<Integer> {
    static volatile boolean stoppedBySignal;

    @CommandLine.Mixin NodeConfigOptions options;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      NodeConfig config = loadConfig(options);
      PrintWriter out = spec.commandLine().getOut();
      CountDownLatch stopRequested = new CountDownLatch(1);
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                stoppedBySignal = true;
                stopRequested.countDown();
                try {
                  stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "hyphae-node-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      NodeRunner.RunningNode running;
      try {
        running = NodeRunner.start(config, System.getenv(), Clock.systemUTC());
      } catch (Exception e) {
        removeHook(hook);
        throw e;
      }
      try (NodeRunner.RunningNode node = running) {
        out.printf(
            "node %s running%n  admin: http://%s:%d (/metrics, /healthz, /status)%n"
                + "  journal: %s%n  p2p: %s%n  market: %s%n  stop with Ctrl-C or SIGTERM%n",
            node.address(),
            node.adminAddress().getAddress().getHostAddress(),
            node.adminAddress().getPort(),
            node.journal().file(),
            String.join(" ", node.p2p().listenAddresses()),
            node.market()
                .map(m -> "JobMarket " + m.market() + " (watching, bidding, running jobs)")
                .orElse("off (contracts names no JobMarket and ProviderRegistry)"));
        out.flush();
        stopRequested.await();
        out.println("stopping: " + String.join(", then ", node.shutdown().stopOrder()));
        out.flush();
      } finally {
        stopped.countDown();
      }
      out.println("stopped");
      out.flush();
      return 0;
    }

    private static void removeHook(Thread hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Already stopping: the hook runs and finds the latch released.
      }
    }
  }

  @Command(
      name = "config",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the effective configuration (flags > HYPHAE_* environment > config file) in the"
            + " config file's 'key = value' format, and where the password would come from.",
        "Unlocks nothing, opens nothing."
      })
  static final class ConfigCommand implements Callable<Integer> {
    @CommandLine.Mixin NodeConfigOptions options;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      NodeConfig config = options.load(System.getenv());
      PrintWriter out = spec.commandLine().getOut();
      Map<NodeOption, String> values = config.toValues();
      out.print(NodeConfigLoader.formatFile(values));
      out.println("# password: " + config.passwordSource().describe());
      if (config.keystoreFile().isEmpty()) {
        out.println("# keystore: the only account in the keystore directory");
      }
      out.flush();
      return 0;
    }
  }
}
