package io.hyphae.node.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The one table of node options: each has a key (used as is in the config file), a flag ({@code
 * --key}) and an environment variable ({@code HYPHAE_KEY} with '-' as '_').
 */
public enum NodeOption {
  DATA_DIR("data-dir", "directory for the node's state (the job journal)"),
  KEYSTORE("keystore", "the node's keystore file (default: the only account in the keystore dir)"),
  PASSWORD_FILE("password-file", "file whose first line unlocks the keystore"),
  RPC_URL("rpc-url", "the chain's JSON-RPC endpoint"),
  CHAIN_ID("chain-id", "the chain id the node expects"),
  CONTRACTS("contracts", "contract addresses, Name=0x...,Name=0x..."),
  CONFIRMATIONS("confirmations", "blocks before a chain event is acted on"),
  POLL_INTERVAL_MS("poll-interval-ms", "milliseconds between polls of the chain's logs"),
  P2P_HOST("p2p-host", "literal IP address libp2p listens on"),
  P2P_PORT("p2p-port", "libp2p TCP listen port (0: any free port)"),
  BOOTSTRAP("bootstrap", "libp2p bootstrap peers, comma-separated multiaddrs with /p2p/"),
  ADMIN_HOST("admin-host", "address the admin HTTP server binds (metrics, health, status)"),
  ADMIN_PORT("admin-port", "admin HTTP port (0: any free port)"),
  MODELS("models", "models served, comma-separated ids"),
  PRICE_PER_SHARD_WEI("price-per-shard-wei", "asking price per shard in wei"),
  MAX_CONCURRENT_SHARDS("max-concurrent-shards", "shards executed at once"),
  LOG_LEVEL("log-level", "ERROR, WARN, INFO, DEBUG or TRACE"),
  FAULT("fault", "FOR TESTS ONLY: none, or wrong-output to deliver deliberately wrong results");

  private final String key;
  private final String description;

  NodeOption(String key, String description) {
    this.key = key;
    this.description = description;
  }

  /** The key in the config file, e.g. {@code rpc-url}. */
  public String key() {
    return key;
  }

  /** The command-line flag, e.g. {@code --rpc-url}. */
  public String flag() {
    return "--" + key;
  }

  /** The environment variable, e.g. {@code HYPHAE_RPC_URL}. */
  public String environmentVariable() {
    return "HYPHAE_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String description() {
    return description;
  }

  public static Optional<NodeOption> byKey(String key) {
    for (NodeOption option : values()) {
      if (option.key.equals(key)) {
        return Optional.of(option);
      }
    }
    return Optional.empty();
  }
}
