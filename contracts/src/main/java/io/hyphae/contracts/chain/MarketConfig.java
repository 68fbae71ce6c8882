package io.hyphae.contracts.chain;

import java.math.BigInteger;
import java.time.Duration;

/**
 * The market's constructor parameters. Defaults suit a devnet; every value is checked here so a bad
 * deployment fails before it spends gas.
 *
 * @param minStake the least stake a provider registers with and keeps to take work
 * @param unbondingDelay how long unbonded stake waits before it can be withdrawn
 * @param challengeBond what a challenger deposits
 * @param voterPenalty what a committee member locks while serving and loses if it does not reveal
 * @param committeeSize members drawn per challenge (1..15; odd avoids ties when all reveal)
 * @param votingPeriod how long members have to commit their votes
 * @param revealPeriod how long members then have to reveal them
 */
public record MarketConfig(
    BigInteger minStake,
    Duration unbondingDelay,
    BigInteger challengeBond,
    BigInteger voterPenalty,
    int committeeSize,
    Duration votingPeriod,
    Duration revealPeriod) {

  private static final BigInteger ETHER = BigInteger.TEN.pow(18);

  public MarketConfig {
    if (minStake.signum() <= 0) {
      throw new IllegalArgumentException("minStake must be positive");
    }
    if (unbondingDelay.isNegative()) {
      throw new IllegalArgumentException("unbondingDelay must not be negative");
    }
    if (challengeBond.signum() <= 0) {
      throw new IllegalArgumentException("challengeBond must be positive");
    }
    if (voterPenalty.signum() < 0) {
      throw new IllegalArgumentException("voterPenalty must not be negative");
    }
    if (committeeSize < 1 || committeeSize > 15) {
      throw new IllegalArgumentException("committeeSize must be 1..15, got " + committeeSize);
    }
    if (votingPeriod.toSeconds() < 1 || revealPeriod.toSeconds() < 1) {
      throw new IllegalArgumentException("votingPeriod and revealPeriod must be at least 1 s");
    }
  }

  /** 1 ETH minimum stake, 1 day unbonding, 0.1 ETH bond, 0.01 ETH penalty, 3 members, 1 h + 1 h. */
  public static MarketConfig devnetDefaults() {
    return new MarketConfig(
        ETHER,
        Duration.ofDays(1),
        ETHER.divide(BigInteger.TEN),
        ETHER.divide(BigInteger.valueOf(100)),
        3,
        Duration.ofHours(1),
        Duration.ofHours(1));
  }
}
