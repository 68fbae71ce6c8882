package io.hyphae.contracts.market;

import io.hyphae.contracts.chain.Anvil;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketDeployer;
import io.hyphae.contracts.chain.TransactionSender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The market contract suite against the real contracts on anvil. */
class Web3jMarketIT extends MarketContract {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Anvil anvil;
  private ChainConnection chain;
  private final Map<Integer, Market> markets = new HashMap<>();
  private Eip712 domain;

  @Override
  protected void start() throws java.io.IOException {
    anvil = Anvil.start(Anvil.binary(ROOT), List.of(), TIMEOUT);
    chain = ChainConnection.open(anvil.rpcUrl(), TIMEOUT);
    DevnetAccounts accounts = new DevnetAccounts();
    var deployment =
        new MarketDeployer(new TransactionSender(chain, accounts.account(0), TIMEOUT))
            .deploy(MarketConfig.devnetDefaults())
            .deployment();
    domain = new Eip712(deployment.chainId(), deployment.market());
    for (int i = 1; i <= 8; i++) {
      markets.put(
          i,
          new Web3jMarket(
              new MarketClient(
                  new TransactionSender(chain, accounts.account(i), TIMEOUT), deployment)));
    }
  }

  @AfterAll
  void stop() {
    if (chain != null) {
      chain.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  @Override
  protected Market market(int index) {
    return markets.get(index);
  }

  @Override
  protected Eip712 domain() {
    return domain;
  }

  @Override
  protected void advance(Duration by) {
    Anvil.advanceTime(chain, by);
  }
}
