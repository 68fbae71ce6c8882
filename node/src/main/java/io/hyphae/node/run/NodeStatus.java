package io.hyphae.node.run;

import java.util.List;
import java.util.Map;

/**
 * What {@code /status} shows (JSON). {@code services} says, for each part of the node, whether it
 * runs.
 *
 * @param address the node's account (and libp2p identity)
 * @param peerId its libp2p peer id
 * @param listenAddresses its libp2p listen addresses, each with {@code /p2p/<peer id>}
 * @param startedAt when the node started (ISO-8601, UTC)
 * @param uptimeSeconds seconds since then
 * @param chainId the configured chain id
 * @param rpcUrl the configured chain endpoint
 * @param contracts configured contract addresses by name
 * @param models models the node is configured to serve
 * @param pricePerShardWei its asking price per shard, in wei (decimal text: it can exceed 2^53)
 * @param maxConcurrentShards shards it would run at once
 * @param journal the job journal
 * @param chain the chain watcher (null when the market is not configured)
 * @param jobs jobs by state (unfinished now; FINALIZED, RECLAIMED and SLASHED since start)
 * @param committee committee work since start (challengesSeen, duties, evidenceAccepted,
 *     evidenceRefused, votesCommitted, votesRevealed, votesUpheld, challengesResolved,
 *     dutiesMissed, activeDuties); empty when the market is not configured
 * @param fault the test-only fault switch ({@code none} on every real node)
 * @param services each part of the node and its state
 */
public record NodeStatus(
    String address,
    String peerId,
    List<String> listenAddresses,
    String startedAt,
    long uptimeSeconds,
    long chainId,
    String rpcUrl,
    Map<String, String> contracts,
    List<String> models,
    String pricePerShardWei,
    int maxConcurrentShards,
    Journal journal,
    Chain chain,
    Map<String, Long> jobs,
    Map<String, Long> committee,
    String fault,
    Map<String, String> services) {

  /**
   * The chain watcher's part of the status.
   *
   * @param market the JobMarket address
   * @param handledBlock the last block whose events were handled
   * @param latestBlock the chain's head at the last poll
   * @param lagBlocks how far behind the head the watcher is
   * @param problem why the last poll failed, or null
   */
  public record Chain(
      String market, long handledBlock, long latestBlock, long lagBlocks, String problem) {}

  /**
   * The journal's part of the status.
   *
   * @param file the SQLite file
   * @param pendingJobs jobs not finalized or reclaimed
   * @param transactionsCommitted transactions since the node started
   * @param queueDepth operations waiting for the disk thread
   */
  public record Journal(String file, int pendingJobs, long transactionsCommitted, int queueDepth) {}
}
