package io.hyphae.protocol.p2p.kad;

/** Decoding limits for one DHT message frame. */
public record KadLimits(
    int maxFrameBytes,
    int maxKeyBytes,
    int maxValueBytes,
    int maxPeersPerMessage,
    int maxAddrsPerPeer,
    int maxAddrBytes) {

  /** 64 KiB frames, 256-byte keys, 16 KiB values, 64 peers of 16 addresses each. */
  public static KadLimits defaults() {
    return new KadLimits(64 * 1024, 256, 16 * 1024, 64, 16, 256);
  }
}
