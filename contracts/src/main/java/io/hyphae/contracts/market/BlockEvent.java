package io.hyphae.contracts.market;

/**
 * A market event with where the chain put it, for a daemon that follows the whole market ({@link
 * Market#eventsBetween}).
 *
 * @param block the block number
 * @param logIndex the log's index in its block (order within the block)
 * @param event the decoded event
 */
public record BlockEvent(long block, int logIndex, MarketEvent event) {
  public BlockEvent {
    if (block < 0 || logIndex < 0) {
      throw new IllegalArgumentException("block and log index must be non-negative");
    }
  }
}
