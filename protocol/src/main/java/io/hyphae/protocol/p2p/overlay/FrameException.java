package io.hyphae.protocol.p2p.overlay;

/** A frame or message that cannot be decoded: truncated, oversized or malformed. */
public final class FrameException extends Exception {

  /** Why decoding failed. */
  public enum Reason {
    TRUNCATED,
    OVERSIZED,
    MALFORMED,
    LIMIT_EXCEEDED
  }

  private final Reason reason;

  public FrameException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public FrameException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
