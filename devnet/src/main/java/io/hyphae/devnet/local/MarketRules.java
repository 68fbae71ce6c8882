package io.hyphae.devnet.local;

import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.MarketConfig;
import java.time.Duration;

/**
 * The market rules a devnet deploys with (the contracts' constructor parameters), and the same
 * rules read back from a deployed market. On a devnet challenges must be possible and quick: a
 * committee small enough to be drawn from the providers left when one is challenged, and voting and
 * reveal phases of seconds rather than hours.
 *
 * @param committeeSize members drawn per challenge
 * @param votingPeriodS seconds members have to commit their votes
 * @param revealPeriodS seconds they then have to reveal them
 * @param challengeBondWei what a challenger deposits
 * @param voterPenaltyWei what a member locks while serving, lost if it does not reveal
 * @param minStakeWei the least stake a provider keeps to take work
 * @param unbondingDelayS seconds unbonded stake waits before it can be withdrawn
 */
public record MarketRules(
    int committeeSize,
    long votingPeriodS,
    long revealPeriodS,
    String challengeBondWei,
    String voterPenaltyWei,
    String minStakeWei,
    long unbondingDelayS) {

  /**
   * The voting phase: 30 s. A member must see the challenge (the nodes poll the chain every 250 ms
   * on a devnet), take the challenger's evidence, re-run the shard and send its vote. Re-running is
   * the long part: a demo shard (167 rows) took about 6 s on a 2-core machine at load average 11
   * (30 rows/s with three nodes busy; an idle machine is ten times faster), so 30 s leaves a wide
   * margin. The reveal phase cannot start before the voting phase ends, so this is also about how
   * long every challenge takes.
   */
  public static final Duration VOTING_PERIOD = Duration.ofSeconds(30);

  /**
   * The reveal phase: 20 s, only an upper bound: revealing is one transaction per member, and a
   * challenge can be resolved as soon as every member revealed.
   */
  public static final Duration REVEAL_PERIOD = Duration.ofSeconds(20);

  /** The most members a devnet committee has. */
  public static final int MAX_COMMITTEE = 3;

  /**
   * The rules for a devnet of {@code providers} nodes: the contracts' devnet defaults (1 ETH
   * minimum stake, 0.1 ETH challenge bond, 0.01 ETH voter penalty, 1 day unbonding) with a
   * committee of min(3, providers - 1), at least 1 (the challenged provider is never drawn, so with
   * 3 providers a committee of 3 could never be found), and the short phases above.
   */
  public static MarketConfig forProviders(int providers) {
    MarketConfig defaults = MarketConfig.devnetDefaults();
    return new MarketConfig(
        defaults.minStake(),
        defaults.unbondingDelay(),
        defaults.challengeBond(),
        defaults.voterPenalty(),
        committeeSizeFor(providers),
        VOTING_PERIOD,
        REVEAL_PERIOD);
  }

  /** min(3, providers - 1), at least 1. */
  public static int committeeSizeFor(int providers) {
    return Math.max(1, Math.min(MAX_COMMITTEE, providers - 1));
  }

  /** The rules a config deploys. */
  public static MarketRules of(MarketConfig config) {
    return new MarketRules(
        config.committeeSize(),
        config.votingPeriod().toSeconds(),
        config.revealPeriod().toSeconds(),
        config.challengeBond().toString(),
        config.voterPenalty().toString(),
        config.minStake().toString(),
        config.unbondingDelay().toSeconds());
  }

  /**
   * The rules of the deployed market, read from its public getters.
   *
   * @throws Exception when the chain cannot be read
   */
  public static MarketRules read(MarketClient market) throws Exception {
    var view = market.marketView();
    var registry = market.registryView();
    return new MarketRules(
        view.committeeSize().send().intValueExact(),
        view.votingPeriod().send().longValueExact(),
        view.revealPeriod().send().longValueExact(),
        view.challengeBond().send().toString(),
        view.voterPenalty().send().toString(),
        registry.minStake().send().toString(),
        registry.unbondingDelay().send().longValueExact());
  }

  /** One line for people. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "committee of %d, voting %d s + reveal %d s, challenge bond %s wei, voter penalty %s wei,"
            + " min stake %s wei, unbonding %d s",
        committeeSize,
        votingPeriodS,
        revealPeriodS,
        challengeBondWei,
        voterPenaltyWei,
        minStakeWei,
        unbondingDelayS);
  }
}
