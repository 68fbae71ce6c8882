package io.hyphae.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevnetInfoTest {

  @TempDir Path dir;

  static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  @Test
  void roundTripsThroughItsFile() {
    DevnetInfo info =
        DevnetInfo.of("http://127.0.0.1:8545", 31337, Map.of("ProviderRegistry", REGISTRY));
    Path file = dir.resolve(DevnetInfo.RELATIVE_PATH);

    info.write(file);

    assertThat(DevnetInfo.read(file)).isEqualTo(info);
    assertThat(DevnetInfo.read(file).contract("ProviderRegistry")).contains(REGISTRY);
    assertThat(DevnetInfo.read(file).contract("JobMarket")).isEmpty();
  }

  @Test
  void readsTheDocumentedSchemaAndIgnoresUnknownFields() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("devnet.json"),
            """
            {"version": 1, "rpcUrl": "http://127.0.0.1:9545", "chainId": 31337,
             "contracts": {"ProviderRegistry": "%s"}, "addedLater": [1, 2]}
            """
                .formatted(REGISTRY));

    DevnetInfo info = DevnetInfo.read(file);

    assertThat(info.rpcUrl()).isEqualTo("http://127.0.0.1:9545");
    assertThat(info.chainId()).isEqualTo(31337);
  }

  @Test
  void refusesInvalidFilesWithTheReason() throws Exception {
    Path badAddress =
        Files.writeString(
            dir.resolve("a.json"),
            """
            {"version":1,"rpcUrl":"http://127.0.0.1:8545","chainId":1,"contracts":{"X":"0x12"}}
            """);
    Path badVersion =
        Files.writeString(
            dir.resolve("b.json"), "{\"version\":2,\"rpcUrl\":\"http://h:1\",\"chainId\":1}");
    Path badUrl =
        Files.writeString(
            dir.resolve("c.json"), "{\"version\":1,\"rpcUrl\":\"ftp://h\",\"chainId\":1}");
    Path notJson = Files.writeString(dir.resolve("d.json"), "[");

    assertThatThrownBy(() -> DevnetInfo.read(badAddress))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("contract X has no valid address");
    assertThatThrownBy(() -> DevnetInfo.read(badVersion)).hasMessageContaining("version 2");
    assertThatThrownBy(() -> DevnetInfo.read(badUrl)).hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> DevnetInfo.read(notJson)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> DevnetInfo.read(dir.resolve("none.json")))
        .hasMessageContaining("no devnet info at");
    assertThat(DevnetInfo.readIfPresent(dir.resolve("none.json"))).isEmpty();
  }
}
