package io.hyphae.protocol.p2p.mux;

import io.netty.buffer.ByteBuf;

/** Receives a stream's data and its end. Called on the connection's event loop. */
public interface MuxedStreamHandler {

  /** In-order data; the handler owns and must release {@code data}. */
  void onData(MuxedStream stream, ByteBuf data);

  /** The remote half-closed (FIN): no more data will arrive. */
  void onRemoteClose(MuxedStream stream);

  /** The stream was reset by the remote, or its session closed; {@code cause} says which. */
  void onReset(MuxedStream stream, MuxException cause);
}
