package io.hyphae.devnet.testing;

import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.generated.ProviderRegistry;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.contracts.market.Web3jMarket;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * What a test reads from the devnet's chain: ETH balances, the market's events and the registry's
 * provider records, and the gas an account paid. Reads only: it never sends a transaction.
 */
public final class ChainView implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final ChainConnection connection;
  private final MarketClient client;
  private final Web3jMarket market;
  private final DevnetInfo info;

  public ChainView(DevnetInfo info) {
    this.info = info;
    this.connection = ChainConnection.open(info.rpcUrl(), TIMEOUT);
    TransactionSender viewer =
        new TransactionSender(connection, new DevnetAccounts().account(0), TIMEOUT);
    this.client =
        new MarketClient(
            viewer,
            new Deployment(
                connection.chainId(),
                info.contract("ProviderRegistry").orElseThrow(),
                info.contract("JobMarket").orElseThrow(),
                viewer.address(),
                0));
    this.market = new Web3jMarket(client);
  }

  public String marketAddress() {
    return info.contract("JobMarket").orElseThrow();
  }

  public String registryAddress() {
    return info.contract("ProviderRegistry").orElseThrow();
  }

  public MarketClient client() {
    return client;
  }

  /** ETH on the account (or contract) now. */
  public BigInteger eth(String address) throws IOException {
    return connection
        .web3j()
        .ethGetBalance(address, DefaultBlockParameterName.LATEST)
        .send()
        .getBalance();
  }

  public long blockNumber() throws IOException {
    return connection.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
  }

  /** The job's market events, in chain order. */
  public List<MarketEvent> events(BigInteger jobId) {
    return market.events(jobId);
  }

  /** Whether {@code provider} has committed a result root for the job. */
  public boolean committed(BigInteger jobId, String provider) {
    return events(jobId).stream()
        .anyMatch(
            e ->
                e instanceof MarketEvent.ResultCommitted c
                    && c.provider().equalsIgnoreCase(provider));
  }

  /** The registry's record of a provider: stake, locked, earnings, times slashed, ... */
  public ProviderRegistry.Provider provider(String address) throws Exception {
    return client.registryView().providerOf(address).send();
  }

  /** What {@code withdraw} would pay the account now (market balance plus provider earnings). */
  public BigInteger withdrawable(String address) throws Exception {
    return client.marketView().withdrawable(address).send();
  }

  /**
   * The gas {@code from} paid for its transactions in blocks {@code fromBlock+1..toBlock}: each
   * receipt's gas used times its effective gas price (anvil mines one block per transaction).
   */
  public BigInteger gasPaid(String from, long fromBlock, long toBlock) throws IOException {
    String sender = from.toLowerCase(Locale.ROOT);
    BigInteger paid = BigInteger.ZERO;
    for (long n = fromBlock + 1; n <= toBlock; n++) {
      EthBlock.Block block =
          connection
              .web3j()
              .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true)
              .send()
              .getBlock();
      for (EthBlock.TransactionResult<?> result : block.getTransactions()) {
        var tx = (org.web3j.protocol.core.methods.response.Transaction) result.get();
        if (!sender.equals(tx.getFrom().toLowerCase(Locale.ROOT))) {
          continue;
        }
        TransactionReceipt receipt =
            connection
                .web3j()
                .ethGetTransactionReceipt(tx.getHash())
                .send()
                .getTransactionReceipt()
                .orElseThrow(() -> new IOException("no receipt for " + tx.getHash()));
        BigInteger price = Numeric.decodeQuantity(receipt.getEffectiveGasPrice());
        paid = paid.add(receipt.getGasUsed().multiply(price));
      }
    }
    return paid;
  }

  @Override
  public void close() {
    connection.close();
  }
}
