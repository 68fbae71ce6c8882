package io.hyphae.contracts.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where the market's contracts live on one chain: what the node and the wallet CLI read to find
 * them. Written as JSON, atomically (a temporary file renamed over the target), so a reader never
 * sees half a file.
 *
 * @param chainId the chain the contracts are on
 * @param registry the ProviderRegistry address
 * @param market the JobMarket address
 * @param deployer the account that deployed and wired them
 * @param block the block of the last deployment transaction
 */
public record Deployment(
    long chainId, String registry, String market, String deployer, long block) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Deployment {
    requireAddress(registry, "registry");
    requireAddress(market, "market");
    requireAddress(deployer, "deployer");
  }

  private static void requireAddress(String value, String what) {
    if (value == null || !value.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(what + " is not an address: " + value);
    }
  }

  /** Writes this deployment to {@code file}, replacing it atomically. */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), this);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a deployment file.
   *
   * @throws IOException when it is missing, not JSON, or names invalid addresses
   */
  public static Deployment read(Path file) throws IOException {
    try {
      return JSON.readValue(file.toFile(), Deployment.class);
    } catch (IllegalArgumentException e) {
      throw new IOException("deployment file " + file + " is invalid: " + e.getMessage(), e);
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      throw new IOException(
          "deployment file " + file + " is invalid: " + e.getCause().getMessage(), e);
    }
  }
}
