package io.hyphae.node.config;

import io.hyphae.contracts.keys.PasswordSource;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything a node is told, validated once. Build it with {@link NodeConfigLoader}; its {@link
 * #toValues()} gives the text values that load back into an equal config.
 *
 * @param dataDir directory for the node's state (the job journal)
 * @param keystoreFile the node's keystore; empty: the only account in the keystore directory
 * @param passwordSource where the keystore password comes from
 * @param rpcUrl the chain's JSON-RPC endpoint (http or https)
 * @param chainId the chain id the node expects
 * @param contracts contract addresses by contract name
 * @param confirmations blocks to wait before acting on a chain event
 * @param pollIntervalMs milliseconds between polls of the chain's logs
 * @param p2pHost literal IP address libp2p listens on
 * @param p2pPort libp2p TCP listen port, 0 for any
 * @param bootstrapPeers libp2p bootstrap multiaddrs (each with a /p2p/ peer id)
 * @param adminHost literal IP address the admin HTTP server binds
 * @param adminPort admin HTTP port, 0 for any
 * @param models model ids the node serves
 * @param pricePerShardWei the asking price per shard, in wei
 * @param maxConcurrentShards how many shards run at once
 * @param logLevel the log level
 * @param fault a deliberate misbehaviour for tests ({@link Fault#NONE} for every real node)
 */
public record NodeConfig(
    Path dataDir,
    Optional<Path> keystoreFile,
    PasswordSource passwordSource,
    String rpcUrl,
    long chainId,
    Map<String, String> contracts,
    int confirmations,
    int pollIntervalMs,
    String p2pHost,
    int p2pPort,
    List<String> bootstrapPeers,
    String adminHost,
    int adminPort,
    List<String> models,
    BigInteger pricePerShardWei,
    int maxConcurrentShards,
    LogLevel logLevel,
    Fault fault) {

  public static final String DEFAULT_RPC_URL = "http://127.0.0.1:8545";
  public static final long DEFAULT_CHAIN_ID = 31337;
  public static final int DEFAULT_CONFIRMATIONS = 2;
  public static final int DEFAULT_P2P_PORT = 4001;
  public static final String DEFAULT_P2P_HOST = "127.0.0.1";
  public static final int DEFAULT_POLL_INTERVAL_MS = 1000;
  static final int MIN_POLL_INTERVAL_MS = 10;
  static final int MAX_POLL_INTERVAL_MS = 600_000;
  public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
  public static final int DEFAULT_ADMIN_PORT = 9464;
  static final int MAX_CONFIRMATIONS = 1000;
  static final int MAX_BOOTSTRAP_PEERS = 32;
  static final int MAX_MODELS = 64;
  static final int MAX_CONTRACTS = 16;
  static final int MAX_CONCURRENT_SHARDS = 1024;
  private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern CONTRACT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  public NodeConfig {
    require(dataDir != null, NodeOption.DATA_DIR, "is required");
    dataDir = dataDir.toAbsolutePath().normalize();
    keystoreFile = keystoreFile == null ? Optional.empty() : keystoreFile;
    require(passwordSource != null, NodeOption.PASSWORD_FILE, "no password source");
    requireHttpUrl(rpcUrl);
    require(chainId > 0, NodeOption.CHAIN_ID, "must be positive, got " + chainId);
    contracts = Map.copyOf(contracts == null ? Map.of() : contracts);
    require(
        contracts.size() <= MAX_CONTRACTS,
        NodeOption.CONTRACTS,
        "at most " + MAX_CONTRACTS + " contracts");
    contracts.forEach(
        (name, address) -> {
          require(
              CONTRACT_NAME.matcher(name).matches(),
              NodeOption.CONTRACTS,
              "contract name '" + name + "' must be letters and digits");
          require(
              address != null && ADDRESS.matcher(address).matches(),
              NodeOption.CONTRACTS,
              name + "'s address must be 0x and 40 hex digits, got '" + address + "'");
        });
    require(
        confirmations >= 0 && confirmations <= MAX_CONFIRMATIONS,
        NodeOption.CONFIRMATIONS,
        "must be 0.." + MAX_CONFIRMATIONS + ", got " + confirmations);
    require(
        pollIntervalMs >= MIN_POLL_INTERVAL_MS && pollIntervalMs <= MAX_POLL_INTERVAL_MS,
        NodeOption.POLL_INTERVAL_MS,
        "must be "
            + MIN_POLL_INTERVAL_MS
            + ".."
            + MAX_POLL_INTERVAL_MS
            + ", got "
            + pollIntervalMs);
    requireLiteralIp(p2pHost, NodeOption.P2P_HOST);
    requirePort(p2pPort, NodeOption.P2P_PORT);
    bootstrapPeers = List.copyOf(bootstrapPeers == null ? List.of() : bootstrapPeers);
    require(
        bootstrapPeers.size() <= MAX_BOOTSTRAP_PEERS,
        NodeOption.BOOTSTRAP,
        "at most " + MAX_BOOTSTRAP_PEERS + " peers");
    for (String peer : bootstrapPeers) {
      require(
          peer.startsWith("/") && peer.contains("/p2p/") && peer.chars().noneMatch(c -> c <= ' '),
          NodeOption.BOOTSTRAP,
          "'" + peer + "' is not a multiaddr with a peer id (/ip4/1.2.3.4/tcp/4001/p2p/16Uiu2...)");
    }
    requireLiteralIp(adminHost, NodeOption.ADMIN_HOST);
    requirePort(adminPort, NodeOption.ADMIN_PORT);
    models = List.copyOf(models == null ? List.of() : models);
    require(models.size() <= MAX_MODELS, NodeOption.MODELS, "at most " + MAX_MODELS + " models");
    require(
        new HashSet<>(models).size() == models.size(), NodeOption.MODELS, "lists a model twice");
    for (String model : models) {
      require(
          MODEL_ID.matcher(model).matches(),
          NodeOption.MODELS,
          "'" + model + "' is not a model id (letters, digits, '.', '_', '-')");
    }
    require(
        pricePerShardWei != null
            && pricePerShardWei.signum() >= 0
            && pricePerShardWei.compareTo(UINT256_LIMIT) < 0,
        NodeOption.PRICE_PER_SHARD_WEI,
        "must be a whole number of wei from 0 to 2^256-1");
    require(
        maxConcurrentShards >= 1 && maxConcurrentShards <= MAX_CONCURRENT_SHARDS,
        NodeOption.MAX_CONCURRENT_SHARDS,
        "must be 1.." + MAX_CONCURRENT_SHARDS + ", got " + maxConcurrentShards);
    require(logLevel != null, NodeOption.LOG_LEVEL, "is required");
    fault = fault == null ? Fault.NONE : fault;
  }

  /** The config of a node given nothing: devnet chain, admin on 127.0.0.1, state under ~. */
  public static NodeConfig defaults(Map<String, String> environment) {
    return NodeConfigLoader.load(Map.of(), environment, Optional.empty());
  }

  /** The address of the contract named {@code name} (e.g. JobMarket), if configured. */
  public Optional<String> contract(String name) {
    return Optional.ofNullable(contracts.get(name));
  }

  /** The directory the node keeps its job journal in. */
  public Path journalFile() {
    return dataDir.resolve("journal.db");
  }

  /**
   * This config as option values (the password source as {@code password-file} when it is a file;
   * the environment and the prompt are chosen again when loading). Loading them gives back an equal
   * config.
   */
  public Map<NodeOption, String> toValues() {
    Map<NodeOption, String> values = new EnumMap<>(NodeOption.class);
    values.put(NodeOption.DATA_DIR, dataDir.toString());
    keystoreFile.ifPresent(file -> values.put(NodeOption.KEYSTORE, file.toString()));
    if (passwordSource instanceof PasswordSource.FromFile file) {
      values.put(NodeOption.PASSWORD_FILE, file.file().toString());
    }
    values.put(NodeOption.RPC_URL, rpcUrl);
    values.put(NodeOption.CHAIN_ID, Long.toString(chainId));
    values.put(
        NodeOption.CONTRACTS,
        new TreeMap<>(contracts)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
    values.put(NodeOption.CONFIRMATIONS, Integer.toString(confirmations));
    values.put(NodeOption.POLL_INTERVAL_MS, Integer.toString(pollIntervalMs));
    values.put(NodeOption.P2P_HOST, p2pHost);
    values.put(NodeOption.P2P_PORT, Integer.toString(p2pPort));
    values.put(NodeOption.BOOTSTRAP, String.join(",", bootstrapPeers));
    values.put(NodeOption.ADMIN_HOST, adminHost);
    values.put(NodeOption.ADMIN_PORT, Integer.toString(adminPort));
    values.put(NodeOption.MODELS, String.join(",", models));
    values.put(NodeOption.PRICE_PER_SHARD_WEI, pricePerShardWei.toString());
    values.put(NodeOption.MAX_CONCURRENT_SHARDS, Integer.toString(maxConcurrentShards));
    values.put(NodeOption.LOG_LEVEL, logLevel.name());
    values.put(NodeOption.FAULT, fault.key());
    return values;
  }

  /** Parses option values; absent options take their defaults. */
  static NodeConfig fromValues(Map<NodeOption, String> values, Map<String, String> environment) {
    Path dataDir =
        path(values, NodeOption.DATA_DIR)
            .orElse(Path.of(System.getProperty("user.home"), ".hyphae", "node"));
    Optional<Path> passwordFile = path(values, NodeOption.PASSWORD_FILE);
    return new NodeConfig(
        dataDir,
        path(values, NodeOption.KEYSTORE),
        PasswordSource.choose(passwordFile, environment),
        text(values, NodeOption.RPC_URL).orElse(DEFAULT_RPC_URL),
        number(values, NodeOption.CHAIN_ID).orElse(DEFAULT_CHAIN_ID),
        contracts(values),
        integer(values, NodeOption.CONFIRMATIONS, DEFAULT_CONFIRMATIONS),
        integer(values, NodeOption.POLL_INTERVAL_MS, DEFAULT_POLL_INTERVAL_MS),
        text(values, NodeOption.P2P_HOST).orElse(DEFAULT_P2P_HOST),
        integer(values, NodeOption.P2P_PORT, DEFAULT_P2P_PORT),
        list(values, NodeOption.BOOTSTRAP),
        text(values, NodeOption.ADMIN_HOST).orElse(DEFAULT_ADMIN_HOST),
        integer(values, NodeOption.ADMIN_PORT, DEFAULT_ADMIN_PORT),
        list(values, NodeOption.MODELS),
        text(values, NodeOption.PRICE_PER_SHARD_WEI)
            .map(v -> wei(v, NodeOption.PRICE_PER_SHARD_WEI))
            .orElse(BigInteger.ZERO),
        integer(
            values, NodeOption.MAX_CONCURRENT_SHARDS, Runtime.getRuntime().availableProcessors()),
        text(values, NodeOption.LOG_LEVEL).map(NodeConfig::logLevel).orElse(LogLevel.INFO),
        text(values, NodeOption.FAULT).map(Fault::parse).orElse(Fault.NONE));
  }

  private static Optional<String> text(Map<NodeOption, String> values, NodeOption option) {
    String value = values.get(option);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  private static Optional<Path> path(Map<NodeOption, String> values, NodeOption option) {
    try {
      return text(values, option).map(Path::of);
    } catch (InvalidPathException e) {
      throw new NodeConfigException(option, "not a path: " + e.getMessage());
    }
  }

  private static Optional<Long> number(Map<NodeOption, String> values, NodeOption option) {
    Optional<String> text = text(values, option);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      long value = Long.parseLong(text.get());
      if (option != NodeOption.CHAIN_ID
          && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
        throw new NodeConfigException(option, "out of range: '" + text.get() + "'");
      }
      return Optional.of(value);
    } catch (NumberFormatException e) {
      throw new NodeConfigException(option, "not a whole number: '" + text.get() + "'");
    }
  }

  private static int integer(Map<NodeOption, String> values, NodeOption option, int fallback) {
    return number(values, option).map(Long::intValue).orElse(fallback);
  }

  private static List<String> list(Map<NodeOption, String> values, NodeOption option) {
    List<String> items = new ArrayList<>();
    for (String item : text(values, option).orElse("").split(",")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }

  private static Map<String, String> contracts(Map<NodeOption, String> values) {
    Map<String, String> contracts = new LinkedHashMap<>();
    for (String entry : list(values, NodeOption.CONTRACTS)) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new NodeConfigException(
            NodeOption.CONTRACTS, "'" + entry + "' is not Name=0xADDRESS");
      }
      String name = entry.substring(0, eq).strip();
      if (contracts.put(name, entry.substring(eq + 1).strip()) != null) {
        throw new NodeConfigException(NodeOption.CONTRACTS, "names " + name + " twice");
      }
    }
    return contracts;
  }

  private static BigInteger wei(String text, NodeOption option) {
    if (!text.matches("[0-9]{1,78}")) {
      throw new NodeConfigException(option, "not a whole number of wei: '" + text + "'");
    }
    return new BigInteger(text);
  }

  private static LogLevel logLevel(String text) {
    try {
      return LogLevel.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new NodeConfigException(
          NodeOption.LOG_LEVEL, "'" + text + "' is not one of ERROR, WARN, INFO, DEBUG, TRACE");
    }
  }

  private static void require(boolean condition, NodeOption option, String problem) {
    if (!condition) {
      throw new NodeConfigException(option, problem);
    }
  }

  private static void requirePort(int port, NodeOption option) {
    require(port >= 0 && port <= 65535, option, "must be a port 0..65535, got " + port);
  }

  private static void requireHttpUrl(String url) {
    require(url != null, NodeOption.RPC_URL, "is required");
    try {
      URI uri = new URI(url);
      require(
          ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
              && uri.getHost() != null,
          NodeOption.RPC_URL,
          "must be an http(s) URL, got '" + url + "'");
    } catch (URISyntaxException e) {
      throw new NodeConfigException(NodeOption.RPC_URL, "not a URL: '" + url + "'");
    }
  }

  private static void requireLiteralIp(String host, NodeOption option) {
    String problem = "must be a literal IP address such as 127.0.0.1, got '" + host + "'";
    require(host != null && !host.isEmpty(), option, problem);
    if (IPV4.matcher(host).matches()) {
      return;
    }
    // Only strings with ':' go to InetAddress, which then parses them without any DNS lookup.
    require(host.contains(":") && host.matches("[0-9a-fA-F:.]+"), option, problem);
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new NodeConfigException(option, problem);
    }
  }
}
