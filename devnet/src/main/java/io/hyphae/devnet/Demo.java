package io.hyphae.devnet;

import io.hyphae.contracts.chain.Anvil;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketDeployer;
import io.hyphae.contracts.chain.TransactionSender;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The README's first command, as far as the market exists today: start a devnet chain, deploy the
 * contracts, show where they are, and stop everything it started.
 */
public final class Demo {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);

  private final Path hyphaeRoot;
  private final PrintStream out;

  public Demo(Path hyphaeRoot, PrintStream out) {
    this.hyphaeRoot = hyphaeRoot;
    this.out = out;
  }

  /** What the demo did, for callers that check it (the acceptance test). */
  public record Result(
      String registryAddress, String marketAddress, long anvilPid, BigInteger gasUsed) {}

  public Result run() throws IOException {
    Path binary = Anvil.binary(hyphaeRoot);
    out.println("Starting anvil (the pinned @foundry-rs/anvil npm package)...");
    try (Anvil anvil = Anvil.start(binary, List.of(), START_TIMEOUT)) {
      out.printf("  chain listening on %s (pid %d)%n", anvil.rpcUrl(), anvil.pid());
      try (ChainConnection chain = ChainConnection.open(anvil.rpcUrl(), RPC_TIMEOUT)) {
        TransactionSender deployer =
            new TransactionSender(chain, new DevnetAccounts().account(0), RPC_TIMEOUT);
        out.printf("  chain id %d, deployer %s%n", chain.chainId(), deployer.address());
        out.println("Deploying ProviderRegistry and JobMarket...");
        MarketDeployer.Result deployed =
            new MarketDeployer(deployer).deploy(MarketConfig.devnetDefaults());
        BigInteger gas = BigInteger.ZERO;
        for (TransactionReceipt receipt : deployed.receipts()) {
          gas = gas.add(receipt.getGasUsed());
        }
        out.printf(
            "  ProviderRegistry at %s%n  JobMarket at %s%n  (block %d, gas used %s)%n",
            deployed.deployment().registry(),
            deployed.deployment().market(),
            deployed.deployment().block(),
            gas);
        out.printf("Stopping anvil (pid %d)...%n", anvil.pid());
        return new Result(
            deployed.deployment().registry(), deployed.deployment().market(), anvil.pid(), gas);
      }
    } finally {
      out.println("Done: no process left running.");
    }
  }
}
