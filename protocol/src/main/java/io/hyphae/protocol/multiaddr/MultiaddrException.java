package io.hyphae.protocol.multiaddr;

import io.hyphae.protocol.multiformats.FormatException;

/** A multiaddr is malformed or uses a protocol we do not know. */
public class MultiaddrException extends FormatException {
  private static final long serialVersionUID = 1L;

  public MultiaddrException(String message) {
    super(message);
  }

  public MultiaddrException(String message, Throwable cause) {
    super(message, cause);
  }
}
