package io.hyphae.contracts.market;

import java.math.BigInteger;

/** A provider's registry record: stake (part of it locked by the market) and reputation. */
public record ProviderInfo(
    boolean registered,
    BigInteger stake,
    BigInteger locked,
    long jobsCompleted,
    long shardsServed,
    long timesSlashed) {

  public BigInteger freeStake() {
    return stake.subtract(locked);
  }
}
