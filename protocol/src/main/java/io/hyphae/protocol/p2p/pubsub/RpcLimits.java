package io.hyphae.protocol.p2p.pubsub;

/**
 * Decoding limits for one RPC frame. Defaults match go-libp2p-pubsub's 1 MiB frame and
 * js-libp2p-gossipsub's per-RPC list limits.
 */
public record RpcLimits(
    int maxFrameBytes,
    int maxDataBytes,
    int maxTopicLength,
    int maxMessageIdLength,
    int maxSubscriptions,
    int maxMessages,
    int maxIHaveIds,
    int maxIWantIds,
    int maxIDontWantIds,
    int maxControlEntries,
    int maxPeerInfos) {

  public RpcLimits {
    if (maxFrameBytes <= 0 || maxDataBytes <= 0 || maxDataBytes > maxFrameBytes) {
      throw new IllegalArgumentException("need 0 < maxDataBytes <= maxFrameBytes");
    }
  }

  public static RpcLimits defaults() {
    return new RpcLimits(
        1 << 20, (1 << 20) - 1024, 256, 256, 5000, 5000, 5000, 5000, 512, 5000, 16);
  }
}
