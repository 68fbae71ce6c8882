package io.hyphae.protocol.p2p;

import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a host runs.
 *
 * @param identity the key the peer id derives from
 * @param listenAddresses {@code /ip4|ip6/<ip>/tcp/<port>} to bind (port 0 picks a free one)
 * @param limits connection and stream bounds
 * @param connectTimeout TCP connect
 * @param upgradeTimeout security and muxer negotiation of a new connection
 * @param negotiationTimeout protocol negotiation of a new stream
 * @param agentVersion sent in identify
 * @param ioThreads event-loop threads (0: Netty's default)
 */
public record HostConfig(
    PrivKey identity,
    List<Multiaddr> listenAddresses,
    ConnectionLimits limits,
    Duration connectTimeout,
    Duration upgradeTimeout,
    Duration negotiationTimeout,
    String agentVersion,
    int ioThreads) {

  public HostConfig {
    Objects.requireNonNull(identity, "identity");
    listenAddresses = List.copyOf(listenAddresses);
    Objects.requireNonNull(limits, "limits");
    for (Duration d : List.of(connectTimeout, upgradeTimeout, negotiationTimeout)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }
    if (ioThreads < 0) {
      throw new IllegalArgumentException("ioThreads must be >= 0");
    }
  }

  /** Defaults: loopback on a free port, default limits, 10 s timeouts. */
  public static HostConfig defaults(PrivKey identity) {
    return new HostConfig(
        identity,
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")),
        ConnectionLimits.defaults(),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        "hyphae/0.1.0",
        0);
  }

  public HostConfig withListenAddresses(List<Multiaddr> addresses) {
    return new HostConfig(
        identity,
        addresses,
        limits,
        connectTimeout,
        upgradeTimeout,
        negotiationTimeout,
        agentVersion,
        ioThreads);
  }

  public HostConfig withLimits(ConnectionLimits value) {
    return new HostConfig(
        identity,
        listenAddresses,
        value,
        connectTimeout,
        upgradeTimeout,
        negotiationTimeout,
        agentVersion,
        ioThreads);
  }

  public HostConfig withIoThreads(int value) {
    return new HostConfig(
        identity,
        listenAddresses,
        limits,
        connectTimeout,
        upgradeTimeout,
        negotiationTimeout,
        agentVersion,
        value);
  }

  public HostConfig withTimeouts(Duration connect, Duration upgrade, Duration negotiation) {
    return new HostConfig(
        identity, listenAddresses, limits, connect, upgrade, negotiation, agentVersion, ioThreads);
  }
}
