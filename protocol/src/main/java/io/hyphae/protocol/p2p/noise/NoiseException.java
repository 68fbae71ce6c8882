package io.hyphae.protocol.p2p.noise;

/** The Noise handshake or transport failed: bad message, bad signature, wrong peer. */
public class NoiseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, for logs and for callers that react differently. */
  public enum Reason {
    MALFORMED,
    DECRYPT_FAILED,
    BAD_SIGNATURE,
    PEER_ID_MISMATCH,
    TIMEOUT,
    CLOSED
  }

  private final Reason reason;

  public NoiseException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public NoiseException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
