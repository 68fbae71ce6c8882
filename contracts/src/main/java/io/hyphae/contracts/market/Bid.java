package io.hyphae.contracts.market;

import java.math.BigInteger;
import java.util.Locale;

/** A provider's offer for a shard range of one job replica; signed with EIP-712. */
public record Bid(
    BigInteger jobId,
    String provider,
    int firstShard,
    int shardCount,
    int replica,
    BigInteger pricePerShard,
    BigInteger collateral,
    long expiry) {

  public Bid {
    provider = provider.toLowerCase(Locale.ROOT);
  }

  /** pricePerShard * shardCount. */
  public BigInteger price() {
    return pricePerShard.multiply(BigInteger.valueOf(shardCount));
  }
}
