package io.hyphae.contracts.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentTest {

  private static final Deployment DEPLOYMENT =
      new Deployment(
          31337,
          "0x5FbDB2315678afecb367f032d93F642f64180aa3",
          "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
          "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
          3);

  @Test
  void writesAndReadsBackAtomically(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("sub/deployment.json");
    DEPLOYMENT.write(file);
    DEPLOYMENT.write(file); // replaces
    assertThat(Deployment.read(file)).isEqualTo(DEPLOYMENT);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file); // no temporary file left
    }
  }

  @Test
  void rejectsInvalidFiles(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file,
        "{\"chainId\":1,\"registry\":\"0x12\",\"market\":\"0x12\",\"deployer\":\"0x12\","
            + "\"block\":1}");
    assertThatThrownBy(() -> Deployment.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("registry is not an address");
    Files.writeString(file, "not json");
    assertThatThrownBy(() -> Deployment.read(file)).isInstanceOf(IOException.class);
  }

  @Test
  void configValidatesItsValues() {
    MarketConfig d = MarketConfig.devnetDefaults();
    assertThat(d.committeeSize()).isEqualTo(3);
    assertThatThrownBy(
            () ->
                new MarketConfig(
                    d.minStake(),
                    d.unbondingDelay(),
                    d.challengeBond(),
                    d.voterPenalty(),
                    16,
                    d.votingPeriod(),
                    d.revealPeriod()))
        .hasMessageContaining("committeeSize");
    assertThatThrownBy(
            () ->
                new MarketConfig(
                    d.minStake(),
                    d.unbondingDelay(),
                    d.challengeBond(),
                    d.voterPenalty(),
                    3,
                    Duration.ZERO,
                    d.revealPeriod()))
        .hasMessageContaining("votingPeriod");
  }
}
