package io.hyphae.node.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link NodeConfig} from its three sources, highest precedence first: flags, {@code
 * HYPHAE_…} environment variables, the config file. Each value remembers where it came from, so an
 * invalid one is reported with its source.
 *
 * <p>The config file is {@code key = value} lines with the keys of {@link NodeOption}; blank lines
 * and lines starting with {@code #} are ignored; values are taken literally (no escapes, no
 * quotes); an unknown or repeated key is an error.
 */
public final class NodeConfigLoader {

  /** The environment variable naming the config file. */
  public static final String CONFIG_ENV_VARIABLE = "HYPHAE_CONFIG";

  static final long MAX_CONFIG_BYTES = 1024 * 1024;

  private NodeConfigLoader() {}

  /** The config file to read: the flag, else {@code HYPHAE_CONFIG}; none when neither. */
  public static Optional<Path> configFile(Optional<Path> flag, Map<String, String> environment) {
    if (flag.isPresent()) {
      return flag;
    }
    String fromEnvironment = environment.get(CONFIG_ENV_VARIABLE);
    return fromEnvironment == null || fromEnvironment.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(fromEnvironment));
  }

  /**
   * Merges the sources and validates the result.
   *
   * @throws NodeConfigException naming the option and where its value came from
   */
  public static NodeConfig load(
      Map<NodeOption, String> flags, Map<String, String> environment, Optional<Path> configFile) {
    Map<NodeOption, String> values = new EnumMap<>(NodeOption.class);
    Map<NodeOption, String> origins = new EnumMap<>(NodeOption.class);
    if (configFile.isPresent()) {
      Path file = configFile.get();
      readFile(file)
          .forEach(
              (option, value) -> {
                values.put(option, value);
                origins.put(option, "config file " + file);
              });
    }
    for (NodeOption option : NodeOption.values()) {
      String value = environment.get(option.environmentVariable());
      if (value != null) {
        values.put(option, value);
        origins.put(option, "environment variable " + option.environmentVariable());
      }
    }
    flags.forEach(
        (option, value) -> {
          if (value != null) {
            values.put(option, value);
            origins.put(option, "flag " + option.flag());
          }
        });
    try {
      return NodeConfig.fromValues(values, environment);
    } catch (NodeConfigException e) {
      String origin = e.option().map(origins::get).orElse(null);
      if (origin == null) {
        throw e;
      }
      throw new NodeConfigException(
          e.getMessage() + " (from " + origin + ")", e.option().orElseThrow(), e);
    }
  }

  /** Parses a config file. */
  public static Map<NodeOption, String> readFile(Path file) {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        throw new NodeConfigException("config file " + file + " is larger than 1 MiB");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NodeConfigException("no config file at " + file, null, e);
    } catch (IOException e) {
      throw new NodeConfigException("cannot read config file " + file + ": " + e, null, e);
    }
    Map<NodeOption, String> values = new EnumMap<>(NodeOption.class);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new NodeConfigException(where + ": expected 'key = value', got '" + line + "'");
      }
      String key = line.substring(0, eq).strip();
      NodeOption option =
          NodeOption.byKey(key)
              .orElseThrow(
                  () ->
                      new NodeConfigException(
                          where + ": unknown key '" + key + "' (see docs/node.md)"));
      if (values.put(option, line.substring(eq + 1).strip()) != null) {
        throw new NodeConfigException(where + ": '" + key + "' is set twice");
      }
    }
    return values;
  }

  /** Formats values as a config file that {@link #readFile} reads back. */
  public static String formatFile(Map<NodeOption, String> values) {
    StringBuilder text = new StringBuilder("# Hyphae node configuration (docs/node.md)\n");
    values.forEach(
        (option, value) -> {
          if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new NodeConfigException(option, "a value cannot hold a line break");
          }
          text.append(option.key()).append(" = ").append(value).append('\n');
        });
    return text.toString();
  }
}
