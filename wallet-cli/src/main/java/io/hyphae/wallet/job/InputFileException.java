package io.hyphae.wallet.job;

/** A requester's input file that cannot be used; the message names the file and the line. */
public final class InputFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputFileException(String message) {
    super(message);
  }

  public InputFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
