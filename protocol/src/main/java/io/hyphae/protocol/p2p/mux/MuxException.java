package io.hyphae.protocol.p2p.mux;

/** A stream or session failure, with the reason on the wire or ours. */
public final class MuxException extends RuntimeException {

  /** Why a stream or session failed. */
  public enum Reason {
    STREAM_RESET,
    SESSION_CLOSED,
    REMOTE_WENT_AWAY,
    STREAM_LIMIT,
    WRITE_CLOSED,
    PROTOCOL_ERROR,
    TIMEOUT
  }

  private final Reason reason;

  public MuxException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
