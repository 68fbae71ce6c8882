package io.hyphae.protocol.p2p;

/** A host operation failed; the reason says how, the message says why. */
public class P2pException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Failure kinds, one per thing a caller may react to differently. */
  public enum Reason {
    /** The address cannot be dialed by this host (protocol, missing port). */
    BAD_ADDRESS,
    /** TCP connect failed or was refused. */
    CONNECT_FAILED,
    /** The security or muxer handshake failed (bad signature, wrong peer, malformed). */
    UPGRADE_FAILED,
    /** The remote is not the peer the address named. */
    PEER_ID_MISMATCH,
    /** The remote supports none of the proposed protocols. */
    PROTOCOL_NOT_SUPPORTED,
    /** A connection or stream limit was reached. */
    LIMIT,
    /** A deadline passed. */
    TIMEOUT,
    /** The connection or stream closed or was reset. */
    CLOSED,
    /** The remote sent something malformed or too large. */
    PROTOCOL_ERROR,
    /** The host is not running. */
    NOT_RUNNING
  }

  private final Reason reason;

  public P2pException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public P2pException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
