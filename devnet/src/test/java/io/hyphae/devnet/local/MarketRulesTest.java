package io.hyphae.devnet.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.chain.MarketConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MarketRulesTest {

  @Test
  void theCommitteeLeavesRoomForTheChallengedProviderAndHasAtLeastOneMember() {
    assertThat(MarketRules.committeeSizeFor(1)).isEqualTo(1);
    assertThat(MarketRules.committeeSizeFor(2)).isEqualTo(1);
    assertThat(MarketRules.committeeSizeFor(3)).isEqualTo(2);
    assertThat(MarketRules.committeeSizeFor(4)).isEqualTo(3);
    assertThat(MarketRules.committeeSizeFor(8)).isEqualTo(3);
  }

  @Test
  void devnetRulesKeepTheContractDefaultsButShortPhases() {
    MarketConfig rules = MarketRules.forProviders(3);
    MarketConfig defaults = MarketConfig.devnetDefaults();

    assertThat(rules.committeeSize()).isEqualTo(2);
    assertThat(rules.votingPeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(rules.revealPeriod()).isEqualTo(Duration.ofSeconds(20));
    assertThat(rules.minStake()).isEqualTo(defaults.minStake());
    assertThat(rules.challengeBond()).isEqualTo(defaults.challengeBond());
    assertThat(rules.voterPenalty()).isEqualTo(defaults.voterPenalty());
    assertThat(rules.unbondingDelay()).isEqualTo(defaults.unbondingDelay());
    assertThat(MarketRules.of(rules).describe())
        .isEqualTo(
            "committee of 2, voting 30 s + reveal 20 s, challenge bond 100000000000000000 wei,"
                + " voter penalty 10000000000000000 wei, min stake 1000000000000000000 wei,"
                + " unbonding 86400 s");
  }
}
