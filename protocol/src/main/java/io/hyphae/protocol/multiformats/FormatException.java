package io.hyphae.protocol.multiformats;

/** Malformed or oversized input to a multiformat decoder; the message names what was wrong. */
public class FormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
