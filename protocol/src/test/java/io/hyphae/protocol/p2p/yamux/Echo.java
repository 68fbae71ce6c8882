package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.buffer.ByteBuf;

/**
 * Writes back what it receives and half-closes when the remote does. Reading pauses until each echo
 * went out, so a slow reader on the other side slows the writer down instead of filling our write
 * queue.
 */
final class Echo implements MuxedStreamHandler {

  @Override
  public void onData(MuxedStream stream, ByteBuf data) {
    stream.pauseReading();
    stream.write(data).whenComplete((v, e) -> stream.resumeReading());
  }

  @Override
  public void onRemoteClose(MuxedStream stream) {
    stream.closeWrite();
  }

  @Override
  public void onReset(MuxedStream stream, MuxException cause) {}
}
