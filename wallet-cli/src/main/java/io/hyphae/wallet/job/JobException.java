package io.hyphae.wallet.job;

/** A job step that failed for a reason the user must hear (the message says what and what now). */
public class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobException(String message) {
    super(message);
  }

  public JobException(String message, Throwable cause) {
    super(message, cause);
  }
}
