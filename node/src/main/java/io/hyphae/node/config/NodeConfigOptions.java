package io.hyphae.node.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The node's flags: a thin picocli mixin that maps one to one onto {@link NodeOption}. Values stay
 * text here; {@link NodeConfig} parses and validates them, whatever their source.
 */
public final class NodeConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Config file of 'key = value' lines (default: $HYPHAE_CONFIG).")
  Path configFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "State directory (default: ~/.hyphae/node).")
  String dataDir;

  @Option(
      names = "--keystore",
      paramLabel = "FILE",
      description = "Keystore file (default: the only account in the keystore directory).")
  String keystore;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description =
          "Unlock the keystore with this file's first line (else $HYPHAE_PASSWORD, else a prompt).")
  String passwordFile;

  @Option(
      names = "--rpc-url",
      paramLabel = "URL",
      description = "Chain JSON-RPC endpoint (default: http://127.0.0.1:8545).")
  String rpcUrl;

  @Option(
      names = "--chain-id",
      paramLabel = "ID",
      description = "Expected chain id (default: 31337).")
  String chainId;

  @Option(names = "--contracts", paramLabel = "Name=0x..,...", description = "Contract addresses.")
  String contracts;

  @Option(
      names = "--confirmations",
      paramLabel = "N",
      description = "Blocks before acting on an event (default: 2).")
  String confirmations;

  @Option(
      names = "--p2p-host",
      paramLabel = "IP",
      description = "libp2p listen address (default: 127.0.0.1).")
  String p2pHost;

  @Option(
      names = "--poll-interval-ms",
      paramLabel = "MS",
      description = "Milliseconds between chain log polls (default: 1000).")
  String pollIntervalMs;

  @Option(
      names = "--p2p-port",
      paramLabel = "PORT",
      description = "libp2p TCP port (default: 4001).")
  String p2pPort;

  @Option(
      names = "--bootstrap",
      paramLabel = "MULTIADDR,...",
      description = "libp2p bootstrap peers.")
  String bootstrap;

  @Option(
      names = "--admin-host",
      paramLabel = "IP",
      description = "Admin HTTP bind address (default: 127.0.0.1).")
  String adminHost;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description = "Admin HTTP port (default: 9464).")
  String adminPort;

  @Option(names = "--models", paramLabel = "ID,...", description = "Models served.")
  String models;

  @Option(
      names = "--price-per-shard-wei",
      paramLabel = "WEI",
      description = "Asking price per shard (default: 0).")
  String pricePerShardWei;

  @Option(
      names = "--max-concurrent-shards",
      paramLabel = "N",
      description = "Shards run at once (default: the number of CPU cores).")
  String maxConcurrentShards;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "ERROR, WARN, INFO (default), DEBUG, TRACE.")
  String logLevel;

  @Option(
      names = "--fault",
      paramLabel = "FAULT",
      description =
          "FOR TESTS ONLY: none (default), or wrong-output to deliver deliberately wrong results.")
  String fault;

  /** The flags given, by option (absent flags are absent). */
  public Map<NodeOption, String> values() {
    Map<NodeOption, String> values = new EnumMap<>(NodeOption.class);
    put(values, NodeOption.DATA_DIR, dataDir);
    put(values, NodeOption.KEYSTORE, keystore);
    put(values, NodeOption.PASSWORD_FILE, passwordFile);
    put(values, NodeOption.RPC_URL, rpcUrl);
    put(values, NodeOption.CHAIN_ID, chainId);
    put(values, NodeOption.CONTRACTS, contracts);
    put(values, NodeOption.CONFIRMATIONS, confirmations);
    put(values, NodeOption.P2P_HOST, p2pHost);
    put(values, NodeOption.P2P_PORT, p2pPort);
    put(values, NodeOption.POLL_INTERVAL_MS, pollIntervalMs);
    put(values, NodeOption.BOOTSTRAP, bootstrap);
    put(values, NodeOption.ADMIN_HOST, adminHost);
    put(values, NodeOption.ADMIN_PORT, adminPort);
    put(values, NodeOption.MODELS, models);
    put(values, NodeOption.PRICE_PER_SHARD_WEI, pricePerShardWei);
    put(values, NodeOption.MAX_CONCURRENT_SHARDS, maxConcurrentShards);
    put(values, NodeOption.LOG_LEVEL, logLevel);
    put(values, NodeOption.FAULT, fault);
    return values;
  }

  /** Loads the config: these flags, then the environment, then the config file. */
  public NodeConfig load(Map<String, String> environment) {
    return NodeConfigLoader.load(
        values(),
        environment,
        NodeConfigLoader.configFile(Optional.ofNullable(configFile), environment));
  }

  private static void put(Map<NodeOption, String> values, NodeOption option, String value) {
    if (value != null) {
      values.put(option, value);
    }
  }
}
