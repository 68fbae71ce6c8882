package io.hyphae.protocol.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A {@link StreamReader} for long-lived streams that carry a sequence of varint-length-prefixed
 * messages (pubsub RPCs, DHT requests). It holds at most one partial message (the declared length
 * is checked against the limit before the body is buffered); a message over the limit or a
 * malformed prefix resets the stream and is reported once.
 */
public final class LengthPrefixedReader implements StreamReader {

  /** Receives whole messages and the stream's end, on the connection's event loop. */
  public interface Listener {
    void onMessage(Stream stream, byte[] message);

    /** The remote sent a malformed or oversized frame; the stream has been reset. */
    default void onMalformed(Stream stream, String why) {}

    /** The remote half-closed; no more messages will arrive. */
    default void onRemoteClose(Stream stream) {}

    /** The stream was reset or its connection closed. */
    default void onReset(Stream stream, P2pException cause) {}
  }

  private final int maxLength;
  private final Listener listener;
  private ByteBuf pending = Unpooled.EMPTY_BUFFER;
  private boolean failed;

  public LengthPrefixedReader(int maxLength, Listener listener) {
    this.maxLength = maxLength;
    this.listener = listener;
  }

  @Override
  public void onData(Stream stream, ByteBuf data) {
    if (failed) {
      data.release();
      return;
    }
    if (pending.isReadable()) {
      ByteBuf joined = Unpooled.buffer(pending.readableBytes() + data.readableBytes());
      joined.writeBytes(pending);
      joined.writeBytes(data);
      pending.release();
      data.release();
      pending = joined;
    } else {
      pending.release();
      pending = data;
    }
    try {
      byte[] message;
      while (!failed && (message = LengthPrefixed.decode(pending, maxLength)) != null) {
        listener.onMessage(stream, message);
      }
    } catch (P2pException e) {
      failed = true;
      release();
      stream.reset();
      listener.onMalformed(stream, e.getMessage());
      return;
    }
    if (!pending.isReadable()) {
      release();
    }
  }

  @Override
  public void onRemoteClose(Stream stream) {
    release();
    if (!failed) {
      listener.onRemoteClose(stream);
    }
  }

  @Override
  public void onReset(Stream stream, P2pException cause) {
    release();
    if (!failed) {
      failed = true;
      listener.onReset(stream, cause);
    }
  }

  private void release() {
    pending.release();
    pending = Unpooled.EMPTY_BUFFER;
  }
}
