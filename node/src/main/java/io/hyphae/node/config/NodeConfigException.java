package io.hyphae.node.config;

import java.util.Optional;

/** The configuration is invalid; the message names the option, the value's source and the fix. */
public final class NodeConfigException extends RuntimeException {

  private final NodeOption option;

  public NodeConfigException(String message) {
    super(message);
    this.option = null;
  }

  public NodeConfigException(NodeOption option, String problem) {
    super(option.key() + ": " + problem);
    this.option = option;
  }

  NodeConfigException(String message, NodeOption option, Throwable cause) {
    super(message, cause);
    this.option = option;
  }

  /** The option at fault, when there is one. */
  public Optional<NodeOption> option() {
    return Optional.ofNullable(option);
  }
}
