package io.hyphae.contracts.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hyphae.contracts.keys.KeystoreFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a running devnet tells its clients, stored as {@code .devnet/devnet.json} (schema version 1,
 * documented in docs/wallet.md):
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "rpcUrl": "http://127.0.0.1:8545",
 *   "chainId": 31337,
 *   "contracts": { "ProviderRegistry": "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
 *   "models": { "all-minilm-l6-v2-q": "0x…" },
 *   "profiles": { "cpu-det-v1": "0x…" },
 *   "requesterKeystore": ".devnet/keystore/requester.json",
 *   "anvilPid": 4242,
 *   "providers": [ { "name": "provider-1", "address": "0x…", "peerId": "16Uiu2HA…",
 *                    "multiaddr": "/ip4/127.0.0.1/tcp/4101/p2p/16Uiu2HA…",
 *                    "adminUrl": "http://127.0.0.1:9501", "pid": 4243,
 *                    "logFile": ".devnet/provider-1/node.log", "dataDir": ".devnet/provider-1" } ]
 * }
 * }</pre>
 *
 * Unknown fields are ignored, so newer devnets can add some; a different {@code version} is
 * refused.
 *
 * @param version the schema version, {@link #SCHEMA_VERSION}
 * @param rpcUrl the chain's JSON-RPC endpoint (http or https)
 * @param chainId the chain id
 * @param contracts deployed contract addresses by contract name
 * @param models model content hashes ({@code 0x} + 64 hex digits) by model id
 * @param profiles execution profile hashes by profile name
 * @param requesterKeystore the funded requester account's keystore, when the devnet made one
 * @param anvilPid the chain's process id, when the devnet started it (0: none)
 * @param providers the provider nodes the devnet started
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DevnetInfo(
    @JsonProperty("version") int version,
    @JsonProperty("rpcUrl") String rpcUrl,
    @JsonProperty("chainId") long chainId,
    @JsonProperty("contracts") Map<String, String> contracts,
    @JsonProperty("models") Map<String, String> models,
    @JsonProperty("profiles") Map<String, String> profiles,
    @JsonProperty("requesterKeystore") String requesterKeystore,
    @JsonProperty("anvilPid") long anvilPid,
    @JsonProperty("providers") List<Provider> providers) {

  /** A provider node the devnet started, as its own process. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Provider(
      @JsonProperty("name") String name,
      @JsonProperty("address") String address,
      @JsonProperty("peerId") String peerId,
      @JsonProperty("multiaddr") String multiaddr,
      @JsonProperty("adminUrl") String adminUrl,
      @JsonProperty("pid") long pid,
      @JsonProperty("logFile") String logFile,
      @JsonProperty("dataDir") String dataDir) {
    public Provider {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a provider has no name");
      }
      if (address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
        throw new IllegalArgumentException(
            "provider " + name + " has no valid address: " + address);
      }
      if (multiaddr == null || !multiaddr.contains("/p2p/")) {
        throw new IllegalArgumentException(
            "provider " + name + " needs a multiaddr ending in /p2p/<peer id>: " + multiaddr);
      }
    }
  }

  public static final int SCHEMA_VERSION = 1;

  /** Where the devnet writes it, relative to the repository root. */
  public static final Path RELATIVE_PATH = Path.of(".devnet", "devnet.json");

  private static final long MAX_FILE_BYTES = 1024 * 1024;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public DevnetInfo {
    if (version != SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "devnet info version " + version + " is not supported (expected " + SCHEMA_VERSION + ")");
    }
    requireHttpUrl(rpcUrl);
    if (chainId <= 0) {
      throw new IllegalArgumentException("chainId must be positive, got " + chainId);
    }
    contracts = contracts == null ? Map.of() : Map.copyOf(new TreeMap<>(contracts));
    contracts.forEach(
        (name, address) -> {
          if (name.isBlank() || address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException(
                "contract " + name + " has no valid address: " + address);
          }
        });
    models = hashes("model", models);
    profiles = hashes("profile", profiles);
    providers = providers == null ? List.of() : List.copyOf(providers);
  }

  private static Map<String, String> hashes(String what, Map<String, String> byName) {
    if (byName == null) {
      return Map.of();
    }
    byName.forEach(
        (name, hash) -> {
          if (name.isBlank() || hash == null || !hash.matches("0x[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(what + " " + name + " has no valid hash: " + hash);
          }
        });
    return Map.copyOf(new TreeMap<>(byName));
  }

  /** A chain with contracts and nothing else known. */
  public static DevnetInfo of(String rpcUrl, long chainId, Map<String, String> contracts) {
    return new DevnetInfo(
        SCHEMA_VERSION, rpcUrl, chainId, contracts, Map.of(), Map.of(), null, 0, List.of());
  }

  /** The address of a contract, if the devnet deployed one by that name. */
  public Optional<String> contract(String name) {
    return Optional.ofNullable(contracts.get(name));
  }

  /**
   * Reads a devnet info file.
   *
   * @throws ConfigException when the file is missing, unreadable or invalid
   */
  public static DevnetInfo read(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException("devnet info " + file + " is too large");
      }
      DevnetInfo info = JSON.readValue(Files.readAllBytes(file), DevnetInfo.class);
      if (info == null) {
        throw new ConfigException("devnet info " + file + " is empty");
      }
      return info;
    } catch (NoSuchFileException e) {
      throw new ConfigException("no devnet info at " + file, e);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      String why =
          cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
      throw new ConfigException("devnet info " + file + " is invalid: " + why, e);
    } catch (IOException e) {
      throw new ConfigException("cannot read devnet info " + file + ": " + e, e);
    }
  }

  /** Reads {@code file} when it exists. */
  public static Optional<DevnetInfo> readIfPresent(Path file) {
    return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
  }

  /** Writes this to {@code file} atomically (a reader sees the old file or the whole new one). */
  public void write(Path file) {
    try {
      KeystoreFiles.writeAtomically(file, JSON.writeValueAsBytes(this));
    } catch (JsonProcessingException e) {
      throw new ConfigException("cannot encode devnet info: " + e.getOriginalMessage(), e);
    } catch (RuntimeException e) {
      throw new ConfigException("cannot write devnet info " + file + ": " + e.getMessage(), e);
    }
  }

  private static void requireHttpUrl(String url) {
    if (url == null) {
      throw new IllegalArgumentException("rpcUrl is missing");
    }
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("rpcUrl must be an http(s) URL, got " + url);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("rpcUrl is not a URL: " + url, e);
    }
  }
}
