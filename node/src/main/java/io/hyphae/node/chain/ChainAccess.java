package io.hyphae.node.chain;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.market.Market;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's way to the market: connects on first use and again after a failed connection, so a
 * chain that is down when the node starts (or goes away) does not stop the node. Callers get the
 * market or a {@link ChainException} saying the chain is unreachable.
 */
public final class ChainAccess {

  private static final Logger LOG = LoggerFactory.getLogger(ChainAccess.class);

  private final Supplier<Market> connector;
  private volatile Market market;
  private volatile String problem = "not connected yet";

  /**
   * @param connector opens a connection and returns the node's market view; throws {@link
   *     ChainException} when the chain cannot be reached
   */
  public ChainAccess(Supplier<Market> connector) {
    this.connector = connector;
  }

  /** The market, connecting first if needed. */
  public Market market() {
    Market m = market;
    if (m != null) {
      return m;
    }
    synchronized (this) {
      if (market == null) {
        try {
          market = connector.get();
          problem = null;
          LOG.info("connected to the chain as {}", market.account());
        } catch (RuntimeException e) {
          problem = e.getMessage();
          throw e instanceof ChainException ce
              ? ce
              : new ChainException("cannot reach the chain: " + e.getMessage(), e);
        }
      }
      return market;
    }
  }

  /** Records that a call failed, for health reports (the connection itself is kept). */
  public void failed(String why) {
    problem = why;
  }

  /** Records that a call succeeded. */
  public void succeeded() {
    problem = null;
  }

  /** Why the chain is unusable now, or null when the last call worked. */
  public String problem() {
    return problem;
  }
}
