package io.hyphae.node.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A deliberate misbehaviour, FOR TESTS ONLY: it lets a devnet acceptance test run a dishonest
 * provider and watch verification, the challenge and the committee catch it (docs/node.md).
 */
public enum Fault {
  /** An honest node (the default). */
  NONE("none"),
  /**
   * Deliver wrong outputs for jobs while staying internally consistent: the output hash, the signed
   * receipt and the committed result root are all over the wrong output, as a dishonest provider's
   * would be. {@code /hyphae/verify} still answers honestly.
   */
  WRONG_OUTPUT("wrong-output");

  private final String key;

  Fault(String key) {
    this.key = key;
  }

  /** The value in config files, flags and the environment, e.g. {@code wrong-output}. */
  public String key() {
    return key;
  }

  static Fault parse(String text) {
    for (Fault f : values()) {
      if (f.key.equals(text.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new NodeConfigException(
        NodeOption.FAULT,
        "'"
            + text
            + "' is not one of "
            + Arrays.stream(values()).map(Fault::key).collect(Collectors.joining(", ")));
  }
}
