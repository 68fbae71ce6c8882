package io.hyphae.wallet;

import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.market.ProviderInfo;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.wallet.job.Amounts;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyphae provider ...}: a provider's registration and stake. */
@Command(
    name = "provider",
    mixinStandardHelpOptions = true,
    description = "A provider account's registration and stake in the provider registry.",
    subcommands = {
      ProviderCommand.Register.class,
      ProviderCommand.Stake.class,
      ProviderCommand.Unbond.class,
      ProviderCommand.Withdraw.class,
      ProviderCommand.Info.class
    })
final class ProviderCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  static BigInteger amount(CommandLine cli, String text) {
    try {
      BigInteger wei = Amounts.parse(text);
      if (wei.signum() == 0) {
        throw new IllegalArgumentException("amount must be positive: " + text);
      }
      return wei;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage());
    }
  }

  /** Runs one registry transaction and prints the provider's record after it. */
  static int transact(
      CommandLine.Model.CommandSpec spec,
      AccountOptions account,
      String done,
      BiFunction<WalletChain, MarketClient, TransactionReceipt> call) {
    WalletContext context = AccountCommand.context(spec);
    try (WalletChain chain = WalletChain.open(context, account, false)) {
      TransactionReceipt receipt = call.apply(chain, chain.client);
      print(context, chain, done, receipt.getGasUsed().longValueExact());
      return 0;
    }
  }

  static void print(WalletContext context, WalletChain chain, String done, long gas) {
    ProviderInfo p = chain.market.provider(chain.address());
    if (context.json()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("address", chain.address());
      json.put("registered", p.registered());
      json.put("stake", p.stake().toString());
      json.put("locked", p.locked().toString());
      json.put("free", p.freeStake().toString());
      json.put("jobsCompleted", p.jobsCompleted());
      json.put("shardsServed", p.shardsServed());
      json.put("timesSlashed", p.timesSlashed());
      if (gas > 0) {
        json.put("gasUsed", gas);
      }
      context.printJson(json);
      return;
    }
    if (done != null) {
      context.out().println(done + " (gas " + gas + ")");
    }
    context
        .out()
        .printf(
            "provider %s: %s, stake %s ETH (%s ETH locked), %d jobs, %d shards served, slashed %d"
                + " times%n",
            chain.address(),
            p.registered() ? "registered" : "not registered",
            Amounts.eth(p.stake()),
            Amounts.eth(p.locked()),
            p.jobsCompleted(),
            p.shardsServed(),
            p.timesSlashed());
    context.out().flush();
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = "Registers the account as a provider under its libp2p peer id, with stake.")
  static final class Register implements Callable<Integer> {
    @Option(
        names = "--stake",
        required = true,
        paramLabel = "AMOUNT",
        description = "Stake to lock: wei, or ether with an eth suffix (1eth).")
    String stake;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      BigInteger wei = amount(spec.commandLine(), stake);
      return transact(
          spec,
          account,
          null,
          (chain, client) -> {
            PeerId id = PeerId.fromPublicKey(chain.p2pKey().publicKey());
            TransactionReceipt r = client.register(id.toBytes(), wei);
            if (!AccountCommand.context(spec).json()) {
              AccountCommand.context(spec)
                  .out()
                  .println(
                      "registered "
                          + chain.address()
                          + " as peer "
                          + id
                          + " with "
                          + Amounts.eth(wei)
                          + " ETH stake");
            }
            return r;
          });
    }
  }

  @Command(name = "stake", mixinStandardHelpOptions = true, description = "Adds stake.")
  static final class Stake implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "AMOUNT", description = "wei, or ether with eth suffix")
    String amount;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      BigInteger wei = amount(spec.commandLine(), amount);
      return transact(
          spec,
          account,
          "added " + Amounts.eth(wei) + " ETH stake",
          (c, client) -> client.addStake(wei));
    }
  }

  @Command(
      name = "unbond",
      mixinStandardHelpOptions = true,
      description = "Starts unbonding free stake; 'provider withdraw' pays it after the delay.")
  static final class Unbond implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "AMOUNT", description = "wei, or ether with eth suffix")
    String amount;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      BigInteger wei = amount(spec.commandLine(), amount);
      return transact(
          spec,
          account,
          "unbonding " + Amounts.eth(wei) + " ETH",
          (c, client) -> client.unbond(wei));
    }
  }

  @Command(
      name = "withdraw",
      mixinStandardHelpOptions = true,
      description = "Withdraws unbonded stake once the unbonding delay has passed.")
  static final class Withdraw implements Callable<Integer> {
    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return transact(
          spec, account, "withdrew the unbonded stake", (c, client) -> client.withdrawUnbonded());
    }
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "A provider's registry record (default: the account's).")
  static final class Info implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS")
    String address;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WalletContext context = AccountCommand.context(spec);
      try (WalletChain chain =
          address != null
              ? WalletChain.readOnly(context, account)
              : WalletChain.open(context, account, false)) {
        if (address != null && !address.matches("0x[0-9a-fA-F]{40}")) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "not an address: " + address);
        }
        if (address != null) {
          printOther(context, chain, address);
        } else {
          print(context, chain, null, 0);
        }
        return 0;
      }
    }

    private static void printOther(WalletContext context, WalletChain chain, String address) {
      ProviderInfo p = chain.market.provider(address);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("address", address.toLowerCase(java.util.Locale.ROOT));
      json.put("registered", p.registered());
      json.put("stake", p.stake().toString());
      json.put("locked", p.locked().toString());
      json.put("jobsCompleted", p.jobsCompleted());
      json.put("shardsServed", p.shardsServed());
      json.put("timesSlashed", p.timesSlashed());
      if (context.json()) {
        context.printJson(json);
      } else {
        context
            .out()
            .printf(
                "provider %s: %s, stake %s ETH (%s ETH locked), %d jobs, slashed %d times%n",
                address,
                p.registered() ? "registered" : "not registered",
                Amounts.eth(p.stake()),
                Amounts.eth(p.locked()),
                p.jobsCompleted(),
                p.timesSlashed());
        context.out().flush();
      }
    }
  }
}
