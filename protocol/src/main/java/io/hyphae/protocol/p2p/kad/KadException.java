package io.hyphae.protocol.p2p.kad;

/** A failed DHT request or operation. */
public final class KadException extends RuntimeException {

  /** Why it failed. */
  public enum Reason {
    TIMEOUT,
    UNREACHABLE,
    BAD_RESPONSE,
    INVALID_RECORD,
    NOT_FOUND
  }

  private final Reason reason;

  public KadException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
