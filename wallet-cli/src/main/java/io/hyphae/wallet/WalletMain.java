package io.hyphae.wallet;

import io.hyphae.contracts.keys.KeystoreException;
import io.hyphae.wallet.market.MarketCommand;
import io.hyphae.wallet.p2p.P2pCommand;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code hyphae}: the requester's and provider's wallet commands.
 *
 * <p>Exit codes: 0 success, 1 failure (a message says why), 2 bad arguments or bad input.
 */
@Command(
    name = "hyphae",
    mixinStandardHelpOptions = true,
    description = "The Hyphae wallet: accounts, balances, stake and jobs.",
    subcommands = {
      AccountCommand.class,
      BalanceCommand.class,
      MarketCommand.class,
      P2pCommand.class,
      JobCommand.class,
      ProviderCommand.class,
      WithdrawCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure (the message says why)",
      "2:bad arguments or malformed input"
    })
public final class WalletMain implements Runnable {

  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--rpc",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description =
          "JSON-RPC endpoint (default: the devnet's, else " + WalletContext.DEFAULT_RPC + ").")
  String rpc;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "Machine-readable JSON output for scripts.")
  boolean json;

  @Option(
      names = "--keystore-dir",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Keystore directory (default: $HYPHAE_KEYSTORE_DIR, else ~/.hyphae/keystore).")
  Path keystoreDir;

  @Option(
      names = "--devnet-info",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Devnet description to take defaults from (default: .devnet/devnet.json).")
  Path devnetInfo;

  private final Map<String, String> environment;
  private final InputStream stdin;
  private final Path root;

  WalletMain(Map<String, String> environment, InputStream stdin, Path root) {
    this.environment = Map.copyOf(environment);
    this.stdin = stdin;
    this.root = root;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  /** The installation the wallet runs from ({@code hyphae.root}): its launcher, its devnet. */
  Path root() {
    return root;
  }

  /** The context the subcommands work in: resolved options, environment, streams. */
  WalletContext context() {
    return new WalletContext(
        rpc,
        json,
        keystoreDir,
        devnetInfo != null ? devnetInfo : root.resolve(".devnet").resolve("devnet.json"),
        environment,
        stdin,
        spec.commandLine().getOut(),
        spec.commandLine().getErr());
  }

  /** The command line with Hyphae's error handling, for {@link #main} and for tests. */
  static CommandLine commandLine(Map<String, String> environment, InputStream stdin, Path root) {
    return new CommandLine(new WalletMain(environment, stdin, root))
        // A failure is a message for people, not a stack trace.
        .setExecutionExceptionHandler(
            (e, commandLine, parsed) -> {
              commandLine.getErr().println("error: " + e.getMessage());
              return isBadInput(e) ? EXIT_USAGE : EXIT_FAILURE;
            });
  }

  private static boolean isBadInput(Exception e) {
    return (e instanceof KeystoreException k && k.kind() == KeystoreException.Kind.BAD_KEY)
        || e instanceof io.hyphae.wallet.job.InputFileException;
  }

  /** Runs the wallet: the exit code. */
  static int execute(CommandLine cli, String... args) {
    return cli.execute(args);
  }

  public static void main(String[] args) {
    Path root = Path.of(System.getProperty("hyphae.root", ".")).toAbsolutePath().normalize();
    System.exit(execute(commandLine(System.getenv(), System.in, root), args));
  }
}
