package io.hyphae.protocol.p2p.pubsub;

/**
 * Router parameters; names and defaults follow the gossipsub v1.1 spec and go-libp2p-pubsub.
 * Durations are milliseconds. Every cache and per-peer set has a bound here.
 */
public record GossipsubConfig(
    int d,
    int dLo,
    int dHi,
    int dLazy,
    int dScore,
    int dOut,
    long heartbeatIntervalMs,
    long fanoutTtlMs,
    int mcacheLen,
    int mcacheGossip,
    long seenTtlMs,
    int seenMaxEntries,
    int mcacheMaxEntries,
    long pruneBackoffMs,
    long unsubscribeBackoffMs,
    int prunePeers,
    double gossipFactor,
    int gossipRetransmission,
    int maxIHaveLength,
    int maxIHaveMessages,
    long iwantFollowupMs,
    int idontwantMinSize,
    int idontwantMaxPerPeer,
    int opportunisticGraftTicks,
    int opportunisticGraftPeers,
    int maxTopicsPerPeer,
    int maxPeers,
    boolean floodPublish,
    RpcLimits limits,
    MessageIdFunction messageIdFunction) {

  public GossipsubConfig {
    if (!(dLo <= d && d <= dHi)) {
      throw new IllegalArgumentException("need D_lo <= D <= D_hi");
    }
    if (dOut >= dLo || dOut > d / 2) {
      throw new IllegalArgumentException("need D_out < D_lo and D_out <= D/2");
    }
    if (dScore > d) {
      throw new IllegalArgumentException("need D_score <= D");
    }
    if (mcacheGossip > mcacheLen || mcacheLen < 1) {
      throw new IllegalArgumentException("need 1 <= mcache_gossip <= mcache_len");
    }
    if (heartbeatIntervalMs <= 0 || seenTtlMs <= 0 || seenMaxEntries <= 0 || maxPeers <= 0) {
      throw new IllegalArgumentException("intervals and bounds must be positive");
    }
  }

  /** The spec's defaults: D=6, D_lo=5, D_hi=12, D_lazy=6, D_score=4, D_out=2, 1 s heartbeat. */
  public static GossipsubConfig defaults() {
    return new GossipsubConfig(
        6,
        5,
        12,
        6,
        4,
        2,
        1_000,
        60_000,
        5,
        3,
        120_000,
        100_000,
        20_000,
        60_000,
        10_000,
        16,
        0.25,
        3,
        5000,
        10,
        3_000,
        1024,
        5000,
        60,
        2,
        256,
        1000,
        true,
        RpcLimits.defaults(),
        MessageIdFunction.FROM_AND_SEQNO);
  }

  public GossipsubConfig withMessageIdFunction(MessageIdFunction fn) {
    return new GossipsubConfig(
        d,
        dLo,
        dHi,
        dLazy,
        dScore,
        dOut,
        heartbeatIntervalMs,
        fanoutTtlMs,
        mcacheLen,
        mcacheGossip,
        seenTtlMs,
        seenMaxEntries,
        mcacheMaxEntries,
        pruneBackoffMs,
        unsubscribeBackoffMs,
        prunePeers,
        gossipFactor,
        gossipRetransmission,
        maxIHaveLength,
        maxIHaveMessages,
        iwantFollowupMs,
        idontwantMinSize,
        idontwantMaxPerPeer,
        opportunisticGraftTicks,
        opportunisticGraftPeers,
        maxTopicsPerPeer,
        maxPeers,
        floodPublish,
        limits,
        fn);
  }

  public GossipsubConfig withFloodPublish(boolean flood) {
    return new GossipsubConfig(
        d,
        dLo,
        dHi,
        dLazy,
        dScore,
        dOut,
        heartbeatIntervalMs,
        fanoutTtlMs,
        mcacheLen,
        mcacheGossip,
        seenTtlMs,
        seenMaxEntries,
        mcacheMaxEntries,
        pruneBackoffMs,
        unsubscribeBackoffMs,
        prunePeers,
        gossipFactor,
        gossipRetransmission,
        maxIHaveLength,
        maxIHaveMessages,
        iwantFollowupMs,
        idontwantMinSize,
        idontwantMaxPerPeer,
        opportunisticGraftTicks,
        opportunisticGraftPeers,
        maxTopicsPerPeer,
        maxPeers,
        flood,
        limits,
        messageIdFunction);
  }
}
