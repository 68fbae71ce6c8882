package io.hyphae.devnet;

import io.hyphae.contracts.ContractArtifact;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.ContractDeployer;
import io.hyphae.contracts.chain.TransactionSender;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.utils.Convert;

/**
 * The README's first command, as far as the market exists today: start a devnet chain, deploy the
 * contracts, show where they are, and stop everything it started.
 */
public final class Demo {

  static final BigInteger MIN_PROVIDER_STAKE =
      Convert.toWei("1", Convert.Unit.ETHER).toBigInteger();
  static final long UNBONDING_DELAY_SECONDS = Duration.ofDays(1).toSeconds();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);

  private final Path hyphaeRoot;
  private final PrintStream out;

  public Demo(Path hyphaeRoot, PrintStream out) {
    this.hyphaeRoot = hyphaeRoot;
    this.out = out;
  }

  /** What the demo did, for callers that check it (the acceptance test). */
  public record Result(String registryAddress, long anvilPid, BigInteger gasUsed) {}

  public Result run() throws IOException {
    Path binary = Anvil.binary(hyphaeRoot);
    out.println("Starting anvil (the pinned @foundry-rs/anvil npm package)...");
    try (Anvil anvil = Anvil.start(binary, List.of(), START_TIMEOUT)) {
      out.printf("  chain listening on %s (pid %d)%n", anvil.rpcUrl(), anvil.pid());
      try (ChainConnection chain = ChainConnection.open(anvil.rpcUrl(), RPC_TIMEOUT)) {
        TransactionSender deployer =
            new TransactionSender(chain, new DevnetAccounts().account(0), RPC_TIMEOUT);
        out.printf("  chain id %d, deployer %s%n", chain.chainId(), deployer.address());
        out.println("Deploying ProviderRegistry...");
        ContractDeployer.Deployed registry =
            new ContractDeployer(deployer)
                .deploy(
                    ContractArtifact.load("ProviderRegistry"),
                    List.of(new Uint256(MIN_PROVIDER_STAKE), new Uint64(UNBONDING_DELAY_SECONDS)));
        out.printf(
            "  ProviderRegistry at %s (block %s, gas used %s)%n",
            registry.address(),
            registry.receipt().getBlockNumber(),
            registry.receipt().getGasUsed());
        out.printf("Stopping anvil (pid %d)...%n", anvil.pid());
        return new Result(registry.address(), anvil.pid(), registry.receipt().getGasUsed());
      }
    } finally {
      out.println("Done: no process left running.");
    }
  }
}
