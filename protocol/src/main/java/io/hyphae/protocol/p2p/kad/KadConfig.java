package io.hyphae.protocol.p2p.kad;

/**
 * DHT parameters. k = 20 and alpha = 10 follow the current spec and js-libp2p; durations are
 * milliseconds; every store has a bound.
 */
public record KadConfig(
    int k,
    int alpha,
    long requestTimeoutMs,
    long randomWalkIntervalMs,
    long recordTtlMs,
    long providerTtlMs,
    int maxRecords,
    int maxProviderKeys,
    int maxProvidersPerKey,
    KadLimits limits) {

  public KadConfig {
    if (k < 1 || alpha < 1 || requestTimeoutMs <= 0 || randomWalkIntervalMs <= 0) {
      throw new IllegalArgumentException("k, alpha and intervals must be positive");
    }
    if (maxRecords < 1 || maxProviderKeys < 1 || maxProvidersPerKey < 1) {
      throw new IllegalArgumentException("store bounds must be positive");
    }
  }

  public static KadConfig defaults() {
    return new KadConfig(
        20,
        10,
        10_000,
        300_000,
        36 * 3_600_000L,
        48 * 3_600_000L,
        10_000,
        10_000,
        64,
        KadLimits.defaults());
  }
}
