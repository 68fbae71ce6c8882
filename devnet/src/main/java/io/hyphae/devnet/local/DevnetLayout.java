package io.hyphae.devnet.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a devnet keeps its files, all under one directory ({@code .devnet/} in the repository by
 * default). {@code down --clean} removes exactly these entries, never anything else in the
 * directory.
 *
 * @param dir the devnet directory, absolute
 */
public record DevnetLayout(Path dir) {

  /** The environment variable naming the devnet directory ({@code --dir} wins over it). */
  public static final String ENV_DIR = "HYPHAE_DEVNET_DIR";

  public DevnetLayout {
    dir = dir.toAbsolutePath().normalize();
  }

  /** {@code --dir} when given, else {@code $HYPHAE_DEVNET_DIR}, else {@code <root>/.devnet}. */
  public static DevnetLayout resolve(Path dirFlag, Map<String, String> environment, Path root) {
    if (dirFlag != null) {
      return new DevnetLayout(dirFlag);
    }
    String fromEnvironment = environment.get(ENV_DIR);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new DevnetLayout(Path.of(fromEnvironment));
    }
    return new DevnetLayout(root.resolve(".devnet"));
  }

  /** The running devnet's description (DevnetInfo); absent when none runs. */
  public Path devnetJson() {
    return dir.resolve("devnet.json");
  }

  /** Held while up or down works, so two commands never work on one directory at once. */
  public Path lockFile() {
    return dir.resolve(".lock");
  }

  public Path anvilLog() {
    return dir.resolve("anvil.log");
  }

  /** anvil's {@code --state} file: loaded at start when present, written on exit. */
  public Path anvilState() {
    return dir.resolve("anvil-state.json");
  }

  /** The contracts' deployment on the chain in {@link #anvilState()}, for a resumed devnet. */
  public Path deployment() {
    return dir.resolve("deployment.json");
  }

  /** A hash of the contracts' bytecode deployed on the saved chain: other bytecode, new chain. */
  public Path contractsVersion() {
    return dir.resolve("contracts-version");
  }

  public Path passwordFile() {
    return dir.resolve("password");
  }

  public Path keystoreDir() {
    return dir.resolve("keystore");
  }

  public Path requesterKeystore() {
    return keystoreDir().resolve("requester.json");
  }

  public Path providerKeystore(int index) {
    return keystoreDir().resolve(providerName(index) + ".json");
  }

  /** A provider's data directory: its config, log and job journal. */
  public Path providerDir(int index) {
    return dir.resolve(providerName(index));
  }

  public Path nodeConfig(int index) {
    return providerDir(index).resolve("node.conf");
  }

  public Path nodeLog(int index) {
    return providerDir(index).resolve("node.log");
  }

  public Path demoInput() {
    return dir.resolve("demo-input.jsonl");
  }

  public Path demoOutput() {
    return dir.resolve("demo-output.jsonl");
  }

  public static String providerName(int index) {
    return "provider-" + index;
  }

  /** Text in the command line of this devnet's anvil (its state file), checked before a signal. */
  public String anvilMarker() {
    return anvilState().toString();
  }

  /** Text in the command line of one of this devnet's nodes (its config file). */
  public String nodeMarker(String providerName) {
    return dir.resolve(providerName).resolve("node.conf").toString();
  }
}
