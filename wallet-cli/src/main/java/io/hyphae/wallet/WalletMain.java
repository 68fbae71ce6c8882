package io.hyphae.wallet;

import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.wallet.p2p.P2pCommand;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Convert;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyphae}: the requester's and provider's wallet commands. */
@Command(
    name = "hyphae",
    mixinStandardHelpOptions = true,
    description = "The Hyphae wallet: accounts, balances, stake and jobs.",
    subcommands = {WalletMain.BalanceCommand.class, P2pCommand.class})
public final class WalletMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  public static void main(String[] args) {
    CommandLine cli =
        new CommandLine(new WalletMain())
            // A failure is a message for people, not a stack trace.
            .setExecutionExceptionHandler(
                (e, commandLine, parsed) -> {
                  commandLine.getErr().println("error: " + e.getMessage());
                  return 1;
                });
    System.exit(cli.execute(args));
  }

  @Command(
      name = "balance",
      mixinStandardHelpOptions = true,
      description = "Prints the ETH balance of an address.")
  static final class BalanceCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The account address (0x...).")
    String address;

    @Option(
        names = "--rpc",
        defaultValue = "http://127.0.0.1:8545",
        description = "JSON-RPC endpoint (default: ${DEFAULT-VALUE}).")
    String rpc;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!address.matches("0x[0-9a-fA-F]{40}")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "not an address: " + address + " (expected 0x and 40 hex digits)");
      }
      try (ChainConnection chain = ChainConnection.open(rpc, Duration.ofSeconds(10))) {
        BigInteger wei =
            chain
                .web3j()
                .ethGetBalance(address, DefaultBlockParameterName.LATEST)
                .send()
                .getBalance();
        BigDecimal eth = Convert.fromWei(new BigDecimal(wei), Convert.Unit.ETHER);
        spec.commandLine().getOut().printf("%s ETH (%s wei)%n", eth.toPlainString(), wei);
      }
      return 0;
    }
  }
}
