package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A stream handler that keeps what it received (and releases the buffers). */
final class Recorder implements MuxedStreamHandler {

  final ByteArrayOutputStream received = new ByteArrayOutputStream();
  int chunks;
  boolean remoteClosed;
  MuxException reset;

  @Override
  public void onData(MuxedStream stream, ByteBuf data) {
    try {
      byte[] bytes = new byte[data.readableBytes()];
      data.readBytes(bytes);
      received.writeBytes(bytes);
      chunks++;
    } finally {
      data.release();
    }
  }

  @Override
  public void onRemoteClose(MuxedStream stream) {
    remoteClosed = true;
  }

  @Override
  public void onReset(MuxedStream stream, MuxException cause) {
    reset = cause;
  }

  String text() {
    return received.toString(StandardCharsets.UTF_8);
  }

  int size() {
    return received.size();
  }
}
