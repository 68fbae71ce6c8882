package io.hyphae.wallet;

import io.hyphae.contracts.chain.ChainConnection;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Convert;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyphae balance [ADDRESS | --account A]}: an account's ETH balance. */
@Command(
    name = "balance",
    mixinStandardHelpOptions = true,
    description =
        "Prints the ETH balance of an address, or of a keystore account (the only one by"
            + " default).")
final class BalanceCommand implements Callable<Integer> {

  static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ADDRESS",
      description = "The account address (0x and 40 hex digits).")
  String address;

  @Option(
      names = "--account",
      paramLabel = "A",
      description = "A keystore account: its address or its index in 'account list'.")
  String account;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (address != null && account != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give an ADDRESS or --account, not both");
    }
    if (address != null && !address.matches("0x[0-9a-fA-F]{40}")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "not an address: " + address + " (expected 0x and 40 hex digits)");
    }
    WalletContext context = AccountCommand.context(spec);
    String who =
        address != null
            ? Keys.toChecksumAddress(address)
            : context.keystore().select(Optional.ofNullable(account)).address();
    String rpc = context.rpcUrl();
    try (ChainConnection chain = ChainConnection.open(rpc, RPC_TIMEOUT)) {
      BigInteger wei =
          chain.web3j().ethGetBalance(who, DefaultBlockParameterName.LATEST).send().getBalance();
      BigDecimal eth = Convert.fromWei(new BigDecimal(wei), Convert.Unit.ETHER);
      if (context.json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", who);
        json.put("wei", wei.toString());
        json.put("eth", eth.toPlainString());
        json.put("chainId", chain.chainId());
        context.printJson(json);
      } else {
        context.out().printf("%s ETH (%s wei)%n", eth.toPlainString(), wei);
        context.out().flush();
      }
    }
    return 0;
  }
}
