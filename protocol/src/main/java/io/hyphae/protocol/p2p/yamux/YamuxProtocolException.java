package io.hyphae.protocol.p2p.yamux;

/**
 * The remote broke the yamux protocol (malformed frame, window overrun, bad stream id). The session
 * answers with a PROTOCOL_ERROR go-away and closes the connection.
 */
public final class YamuxProtocolException extends Exception {

  private static final long serialVersionUID = 1L;

  public YamuxProtocolException(String message) {
    super(message);
  }
}
