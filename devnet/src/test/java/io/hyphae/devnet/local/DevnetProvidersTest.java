package io.hyphae.devnet.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.contracts.config.DevnetInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevnetProvidersTest {

  @TempDir Path temp;

  @Test
  void aProviderIsNamedByNumberOrByName() {
    assertThat(DevnetProviders.name("2")).isEqualTo("provider-2");
    assertThat(DevnetProviders.name("provider-8")).isEqualTo("provider-8");
    assertThat(DevnetProviders.name(" Provider-1 ")).isEqualTo("provider-1");
  }

  @Test
  void otherProviderNamesAreRefusedWithTheRange() {
    for (String bad : List.of("0", "9", "provider-", "p2", "-1", "")) {
      assertThatThrownBy(() -> DevnetProviders.name(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1..8");
    }
  }

  @Test
  void replacingAPidKeepsEveryOtherField() {
    DevnetInfo info =
        new DevnetInfo(
            DevnetInfo.SCHEMA_VERSION,
            "http://127.0.0.1:8545",
            31337,
            Map.of("JobMarket", "0x" + "1".repeat(40)),
            Map.of(),
            Map.of(),
            "/k/requester.json",
            42,
            List.of(provider("provider-1", 100), provider("provider-2", 200)));

    DevnetInfo stopped = DevnetProviders.withPid(info, "provider-2", 0);

    assertThat(stopped.providers().get(0)).isEqualTo(info.providers().get(0));
    assertThat(stopped.providers().get(1).pid()).isZero();
    assertThat(stopped.providers().get(1).multiaddr())
        .isEqualTo(info.providers().get(1).multiaddr());
    assertThat(stopped.anvilPid()).isEqualTo(42);
    assertThat(stopped.contracts()).isEqualTo(info.contracts());
  }

  @Test
  void withoutARunningDevnetStopAndStartSaySo() {
    DevnetLayout layout = new DevnetLayout(temp.resolve("none"));
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    DevnetProviders providers = new DevnetProviders(temp, layout, Map.of(), out);

    assertThatThrownBy(() -> providers.stop("provider-1", false))
        .isInstanceOf(DevnetException.class)
        .hasMessageContaining("No devnet running in " + layout.dir());
    assertThatThrownBy(() -> providers.start("provider-1"))
        .isInstanceOf(DevnetException.class)
        .hasMessageContaining("No devnet running in " + layout.dir());
  }

  private static DevnetInfo.Provider provider(String name, long pid) {
    String peer = "16Uiu2HAm" + name.hashCode();
    return new DevnetInfo.Provider(
        name,
        "0x" + "a".repeat(40),
        peer,
        "/ip4/127.0.0.1/tcp/4001/p2p/" + peer,
        "http://127.0.0.1:9464",
        pid,
        "/d/" + name + "/node.log",
        "/d/" + name);
  }
}
