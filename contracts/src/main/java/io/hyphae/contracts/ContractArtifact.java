package io.hyphae.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A compiled contract: its ABI (JSON) and creation bytecode (hex), as built from the Solidity
 * sources by {@code tools/compile.mjs} into this jar.
 */
public record ContractArtifact(String name, String abiJson, String bytecodeHex) {

  private static final String RESOURCE_DIR = "/io/hyphae/contracts/artifacts/";

  public ContractArtifact {
    if (bytecodeHex.isEmpty() || !bytecodeHex.matches("[0-9a-fA-F]+")) {
      throw new IllegalArgumentException("contract " + name + ": bytecode is not hex");
    }
  }

  /** Loads the artifact of the named contract, e.g. {@code ProviderRegistry}. */
  public static ContractArtifact load(String name) {
    return new ContractArtifact(name, read(name + ".abi"), read(name + ".bin").strip());
  }

  private static String read(String file) {
    try (InputStream in = ContractArtifact.class.getResourceAsStream(RESOURCE_DIR + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "contract artifact " + file + " is not on the class path: build the contracts module");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading contract artifact " + file, e);
    }
  }
}
