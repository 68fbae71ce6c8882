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
 *   "contracts": { "ProviderRegistry": "0x5FbDB2315678afecb367f032d93F642f64180aa3" }
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DevnetInfo(
    @JsonProperty("version") int version,
    @JsonProperty("rpcUrl") String rpcUrl,
    @JsonProperty("chainId") long chainId,
    @JsonProperty("contracts") Map<String, String> contracts) {

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
  }

  public static DevnetInfo of(String rpcUrl, long chainId, Map<String, String> contracts) {
    return new DevnetInfo(SCHEMA_VERSION, rpcUrl, chainId, contracts);
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
