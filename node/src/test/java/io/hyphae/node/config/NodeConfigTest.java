package io.hyphae.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.contracts.keys.PasswordSource;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NodeConfigTest {

  @TempDir Path dir;

  /** A config where every option differs from its default. */
  private NodeConfig everythingSet() {
    return new NodeConfig(
        dir.resolve("data"),
        Optional.of(dir.resolve("key.json")),
        new PasswordSource.FromFile(dir.resolve("pw.txt")),
        "https://rpc.example.org:8545/v1",
        11155111,
        Map.of(
            "JobMarket", "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "ProviderRegistry", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"),
        0,
        250,
        "0.0.0.0",
        0,
        List.of("/ip4/127.0.0.1/tcp/4001/p2p/16Uiu2HAmAbc", "/ip6/::1/tcp/4002/p2p/16Uiu2HAmDef"),
        "::1",
        0,
        List.of("all-minilm-l6-v2-q", "bge-small-en-v1.5-q"),
        new BigInteger("1000000000000000"),
        3,
        LogLevel.DEBUG,
        Fault.WRONG_OUTPUT);
  }

  @Test
  void defaultsAreSafeAndLocal() {
    NodeConfig config = NodeConfig.defaults(Map.of());

    assertThat(config.adminHost()).isEqualTo("127.0.0.1");
    assertThat(config.adminPort()).isEqualTo(9464);
    assertThat(config.rpcUrl()).isEqualTo("http://127.0.0.1:8545");
    assertThat(config.chainId()).isEqualTo(31337);
    assertThat(config.dataDir())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".hyphae", "node"));
    assertThat(config.keystoreFile()).isEmpty();
    assertThat(config.passwordSource()).isEqualTo(new PasswordSource.Prompt());
    assertThat(config.logLevel()).isEqualTo(LogLevel.INFO);
    assertThat(config.fault()).isEqualTo(Fault.NONE);
    assertThat(config.maxConcurrentShards()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void roundTripsThroughTheConfigFile() throws Exception {
    NodeConfig config = everythingSet();
    Path file =
        Files.writeString(dir.resolve("node.conf"), NodeConfigLoader.formatFile(config.toValues()));

    assertThat(NodeConfigLoader.load(Map.of(), Map.of(), Optional.of(file))).isEqualTo(config);
  }

  @Test
  void roundTripsThroughTheEnvironment() {
    NodeConfig config = everythingSet();
    Map<String, String> env = new HashMap<>();
    config.toValues().forEach((option, value) -> env.put(option.environmentVariable(), value));

    assertThat(NodeConfigLoader.load(Map.of(), env, Optional.empty())).isEqualTo(config);
  }

  @Test
  void roundTripsThroughTheFlagsOfEveryOption() {
    NodeConfig config = everythingSet();
    List<String> args = new ArrayList<>();
    config.toValues().forEach((option, value) -> args.addAll(List.of(option.flag(), value)));
    assertThat(config.toValues()).hasSize(NodeOption.values().length);

    NodeConfigOptions options = new NodeConfigOptions();
    new CommandLine(options).parseArgs(args.toArray(String[]::new));

    assertThat(options.values()).isEqualTo(config.toValues());
    assertThat(options.load(Map.of())).isEqualTo(config);
  }

  @Test
  void passwordComesFromTheEnvironmentWhenNoFileIsGiven() {
    NodeConfig config = NodeConfig.defaults(Map.of("HYPHAE_PASSWORD", "x"));

    assertThat(config.passwordSource())
        .isEqualTo(new PasswordSource.FromEnvironment("HYPHAE_PASSWORD"));
    assertThat(config.toString()).doesNotContain("x\"").doesNotContain("=x,");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("c"), "admin-port = 1001\nchain-id = 5\nmodels=a\n");
    Map<String, String> env = Map.of("HYPHAE_ADMIN_PORT", "1002", "HYPHAE_CHAIN_ID", "6");
    Map<NodeOption, String> flags = new EnumMap<>(NodeOption.class);
    flags.put(NodeOption.ADMIN_PORT, "1003");

    NodeConfig config = NodeConfigLoader.load(flags, env, Optional.of(file));

    assertThat(config.adminPort()).isEqualTo(1003);
    assertThat(config.chainId()).isEqualTo(6);
    assertThat(config.models()).containsExactly("a");
  }

  @Test
  void theConfigFileComesFromTheFlagOrTheEnvironment() {
    Path flag = dir.resolve("a");
    Path env = dir.resolve("b");

    assertThat(
            NodeConfigLoader.configFile(Optional.of(flag), Map.of("HYPHAE_CONFIG", env.toString())))
        .contains(flag);
    assertThat(
            NodeConfigLoader.configFile(Optional.empty(), Map.of("HYPHAE_CONFIG", env.toString())))
        .contains(env);
    assertThat(NodeConfigLoader.configFile(Optional.empty(), Map.of())).isEmpty();
  }

  @Test
  void invalidValuesNameTheOptionAndTheirSource() throws Exception {
    Path file = Files.writeString(dir.resolve("c"), "# comment\n\nadmin-port = 70000\n");

    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Optional.of(file)))
        .isInstanceOf(NodeConfigException.class)
        .hasMessage(
            "admin-port: must be a port 0..65535, got 70000 (from config file " + file + ")");
    assertThatThrownBy(
            () ->
                NodeConfigLoader.load(Map.of(), Map.of("HYPHAE_CHAIN_ID", "abc"), Optional.empty()))
        .hasMessage(
            "chain-id: not a whole number: 'abc' (from environment variable HYPHAE_CHAIN_ID)");
  }

  @Test
  void rejectsEachKindOfBadValue() {
    Map<NodeOption, String> bad = new EnumMap<>(NodeOption.class);
    bad.put(NodeOption.RPC_URL, "ftp://x");
    bad.put(NodeOption.CHAIN_ID, "0");
    bad.put(NodeOption.CONTRACTS, "JobMarket=0x12");
    bad.put(NodeOption.CONFIRMATIONS, "-1");
    bad.put(NodeOption.P2P_PORT, "65536");
    bad.put(NodeOption.P2P_HOST, "example.org");
    bad.put(NodeOption.POLL_INTERVAL_MS, "0");
    bad.put(NodeOption.BOOTSTRAP, "/ip4/1.2.3.4/tcp/1");
    bad.put(NodeOption.ADMIN_HOST, "localhost");
    bad.put(NodeOption.MODELS, "a,a");
    bad.put(NodeOption.PRICE_PER_SHARD_WEI, "-5");
    bad.put(NodeOption.MAX_CONCURRENT_SHARDS, "0");
    bad.put(NodeOption.LOG_LEVEL, "LOUD");
    bad.put(NodeOption.FAULT, "evil");

    bad.forEach(
        (option, value) ->
            assertThatThrownBy(
                    () -> NodeConfigLoader.load(Map.of(option, value), Map.of(), Optional.empty()))
                .as(option + "=" + value)
                .isInstanceOfSatisfying(
                    NodeConfigException.class, e -> assertThat(e.option()).contains(option))
                .hasMessageStartingWith(option.key() + ": ")
                .hasMessageEndingWith("(from flag " + option.flag() + ")"));
  }

  @Test
  void configFileRejectsUnknownRepeatedAndMalformedLines() throws Exception {
    Path unknown = Files.writeString(dir.resolve("u"), "rpc-ur = http://x\n");
    Path repeated = Files.writeString(dir.resolve("r"), "chain-id = 1\nchain-id = 2\n");
    Path malformed = Files.writeString(dir.resolve("m"), "chain-id\n");

    assertThatThrownBy(() -> NodeConfigLoader.readFile(unknown))
        .hasMessageContaining("line 1: unknown key 'rpc-ur'");
    assertThatThrownBy(() -> NodeConfigLoader.readFile(repeated))
        .hasMessageContaining("line 2: 'chain-id' is set twice");
    assertThatThrownBy(() -> NodeConfigLoader.readFile(malformed))
        .hasMessageContaining("expected 'key = value'");
    assertThatThrownBy(() -> NodeConfigLoader.readFile(dir.resolve("none")))
        .hasMessageContaining("no config file at");
  }
}
