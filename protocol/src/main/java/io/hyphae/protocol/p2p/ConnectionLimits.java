package io.hyphae.protocol.p2p;

/**
 * Bounds on what remotes can make us hold.
 *
 * @param maxConnections connections in all, including ones still in their handshake
 * @param maxConnectionsPerPeer connections to one peer id
 * @param maxStreamsPerConnection open streams on one connection, both directions
 * @param maxBufferedBytesPerStream data held for a stream whose reader is not set yet
 */
public record ConnectionLimits(
    int maxConnections,
    int maxConnectionsPerPeer,
    int maxStreamsPerConnection,
    int maxBufferedBytesPerStream) {

  public ConnectionLimits {
    if (maxConnections < 1
        || maxConnectionsPerPeer < 1
        || maxStreamsPerConnection < 1
        || maxBufferedBytesPerStream < 1) {
      throw new IllegalArgumentException("connection limits must be positive");
    }
  }

  public static ConnectionLimits defaults() {
    return new ConnectionLimits(256, 4, 256, 1 << 20);
  }
}
