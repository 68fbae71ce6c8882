package io.hyphae.contracts.market;

import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.chain.MarketConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The market contract suite against the in-memory fake. */
class InMemoryMarketTest extends MarketContract {

  private InMemoryMarket.Ledger ledger;
  private final Map<Integer, Market> markets = new HashMap<>();

  @Override
  protected void start() {
    MarketConfig config = MarketConfig.devnetDefaults();
    ledger =
        new InMemoryMarket.Ledger(
            config.minStake(), config.challengeBond(), config.votingPeriod(), 1_700_000_000L);
    DevnetAccounts accounts = new DevnetAccounts();
    for (int i = 1; i <= 8; i++) {
      markets.put(i, ledger.as(accounts.account(i)));
    }
  }

  @Override
  protected Market market(int index) {
    return markets.get(index);
  }

  @Override
  protected Eip712 domain() {
    return ledger.eip712();
  }

  @Override
  protected void advance(Duration by) {
    ledger.advance(by);
  }
}
