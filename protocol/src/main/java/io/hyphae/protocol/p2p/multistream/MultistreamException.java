package io.hyphae.protocol.p2p.multistream;

/** Negotiation failed: malformed message, wrong header, or no common protocol. */
public class MultistreamException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why negotiation failed. */
  public enum Reason {
    MALFORMED,
    UNSUPPORTED,
    TOO_MANY_ATTEMPTS,
    TIMEOUT,
    CLOSED
  }

  private final Reason reason;

  public MultistreamException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
