package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.buffer.ByteBuf;

/** Writes back what it receives and half-closes when the remote does. */
final class Echo implements MuxedStreamHandler {

  @Override
  public void onData(MuxedStream stream, ByteBuf data) {
    stream.write(data);
  }

  @Override
  public void onRemoteClose(MuxedStream stream) {
    stream.closeWrite();
  }

  @Override
  public void onReset(MuxedStream stream, MuxException cause) {}
}
