package io.hyphae.devnet.local;

/** A devnet command failed; the message says what failed and, where it helps, what to do. */
public final class DevnetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DevnetException(String message) {
    super(message);
  }

  public DevnetException(String message, Throwable cause) {
    super(message, cause);
  }
}
