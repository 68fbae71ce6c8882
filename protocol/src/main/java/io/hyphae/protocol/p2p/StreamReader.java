package io.hyphae.protocol.p2p;

import io.netty.buffer.ByteBuf;

/** Receives a stream's data and its end, in order, on the connection's event loop. */
public interface StreamReader {

  /** In-order data; the reader owns {@code data} and must release it. */
  void onData(Stream stream, ByteBuf data);

  /** The remote half-closed: no more data will arrive. Writing may go on. */
  default void onRemoteClose(Stream stream) {}

  /** The stream was reset or its connection closed. */
  default void onReset(Stream stream, P2pException cause) {}
}
