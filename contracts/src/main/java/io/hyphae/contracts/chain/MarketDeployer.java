package io.hyphae.contracts.chain;

import io.hyphae.contracts.ContractArtifact;
import io.hyphae.contracts.generated.ProviderRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * Deploys the market: the ProviderRegistry, the JobMarket pointing at it, then wires the registry
 * to the market (once, from the same account).
 */
public final class MarketDeployer {

  private final TransactionSender sender;

  public MarketDeployer(TransactionSender sender) {
    this.sender = sender;
  }

  /** The deployment and the receipts of its three transactions, in order. */
  public record Result(Deployment deployment, List<TransactionReceipt> receipts) {
    public Result {
      receipts = List.copyOf(receipts);
    }
  }

  public Result deploy(MarketConfig config) {
    ContractDeployer deployer = new ContractDeployer(sender);
    List<TransactionReceipt> receipts = new ArrayList<>();
    ContractDeployer.Deployed registry =
        deployer.deploy(
            ContractArtifact.load("ProviderRegistry"),
            List.of(
                new Uint256(config.minStake()), new Uint64(config.unbondingDelay().toSeconds())));
    receipts.add(registry.receipt());
    ContractDeployer.Deployed market =
        deployer.deploy(
            ContractArtifact.load("JobMarket"),
            List.of(
                new Address(registry.address()),
                new Uint256(config.challengeBond()),
                new Uint256(config.voterPenalty()),
                new Uint256(config.committeeSize()),
                new Uint256(config.votingPeriod().toSeconds()),
                new Uint256(config.revealPeriod().toSeconds())));
    receipts.add(market.receipt());
    String wire =
        ProviderRegistry.load(
                registry.address(),
                sender.chain().web3j(),
                new ReadonlyTransactionManager(sender.chain().web3j(), sender.address()),
                new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO))
            .setMarket(market.address())
            .encodeFunctionCall();
    TransactionReceipt wired =
        sender.call(registry.address(), wire, BigInteger.ZERO, "wiring the registry to the market");
    receipts.add(wired);
    Deployment deployment =
        new Deployment(
            sender.chain().chainId(),
            registry.address(),
            market.address(),
            sender.address(),
            wired.getBlockNumber().longValueExact());
    return new Result(deployment, receipts);
  }
}
