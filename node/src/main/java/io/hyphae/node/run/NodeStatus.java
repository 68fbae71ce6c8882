package io.hyphae.node.run;

import java.util.List;
import java.util.Map;

/**
 * What {@code /status} shows (JSON). {@code services} says, for each part of the node, whether it
 * runs: parts not built yet say so rather than pretend.
 *
 * @param address the node's account (and, later, libp2p identity)
 * @param startedAt when the node started (ISO-8601, UTC)
 * @param uptimeSeconds seconds since then
 * @param chainId the configured chain id
 * @param rpcUrl the configured chain endpoint
 * @param contracts configured contract addresses by name
 * @param models models the node is configured to serve
 * @param pricePerShardWei its asking price per shard, in wei (decimal text: it can exceed 2^53)
 * @param maxConcurrentShards shards it would run at once
 * @param journal the job journal
 * @param services each part of the node and its state
 */
public record NodeStatus(
    String address,
    String startedAt,
    long uptimeSeconds,
    long chainId,
    String rpcUrl,
    Map<String, String> contracts,
    List<String> models,
    String pricePerShardWei,
    int maxConcurrentShards,
    Journal journal,
    Map<String, String> services) {

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
