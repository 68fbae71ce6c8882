package io.hyphae.protocol.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;

/** One ordered, flow-controlled, half-closable byte stream, negotiated to one protocol. */
public interface Stream {

  /** The protocol id agreed by multistream-select. */
  String protocol();

  Connection connection();

  /** True when this side opened the stream. */
  boolean isInitiator();

  /**
   * Sends {@code data} (ownership passes to the stream). The future completes once the bytes were
   * written to the connection; a writer that waits for it before writing more gets backpressure.
   */
  CompletableFuture<Void> write(ByteBuf data);

  default CompletableFuture<Void> write(byte[] data) {
    return write(Unpooled.wrappedBuffer(data));
  }

  /** Half-closes: no more writes from this side; reading goes on. */
  CompletableFuture<Void> closeWrite();

  /** Aborts the stream both ways. */
  void reset();

  /** Sets the receiver of data and state changes; data received earlier is delivered first. */
  void setReader(StreamReader reader);

  /** Stops asking the remote for more data until {@link #resumeReading()}. */
  void pauseReading();

  void resumeReading();

  /** Completes when both sides closed, or fails when the stream was reset. */
  CompletableFuture<Void> closeFuture();
}
