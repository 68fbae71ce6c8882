package io.hyphae.node.chain;

import io.hyphae.contracts.market.BlockEvent;

/**
 * Acts on one market event. Must be idempotent: the watcher delivers an event again after a failure
 * or a restart, and seeing it twice must change nothing. Throwing makes the watcher retry the
 * event's block range later.
 */
@FunctionalInterface
public interface MarketEventHandler {
  void onEvent(BlockEvent event) throws Exception;
}
