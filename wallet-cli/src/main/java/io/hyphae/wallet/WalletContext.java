package io.hyphae.wallet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.keys.KeystoreDirectory;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What every wallet command works with: the resolved global options (flag, else devnet file, else
 * default), the environment, and the output streams.
 */
public record WalletContext(
    String rpcFlag,
    boolean json,
    Path keystoreDirFlag,
    Path devnetInfoFile,
    Map<String, String> environment,
    InputStream stdin,
    PrintWriter out,
    PrintWriter err) {

  static final String DEFAULT_RPC = "http://127.0.0.1:8545";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** {@code --rpc}, else the devnet's endpoint when a devnet file is present, else the default. */
  String rpcUrl() {
    if (rpcFlag != null) {
      return rpcFlag;
    }
    return devnet().map(DevnetInfo::rpcUrl).orElse(DEFAULT_RPC);
  }

  /** The devnet's description, when its file exists; an invalid file is a ConfigException. */
  public Optional<DevnetInfo> devnet() {
    return DevnetInfo.readIfPresent(devnetInfoFile);
  }

  KeystoreDirectory keystore() {
    return new KeystoreDirectory(
        keystoreDirFlag != null ? keystoreDirFlag : KeystoreDirectory.defaultLocation(environment));
  }

  /** The context of a subcommand of the {@code hyphae} command line (for subcommand packages). */
  public static WalletContext of(picocli.CommandLine.Model.CommandSpec spec) {
    return ((WalletMain) spec.root().userObject()).context();
  }

  /** Prints {@code value} as JSON on stdout. */
  public void printJson(Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
