package io.hyphae.protocol.p2p.mux;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** One ordered, flow-controlled, half-closable byte stream within a {@link MuxedSession}. */
public interface MuxedStream {

  /** The stream id on the wire (odd for the dialer's streams, even for the listener's). */
  int id();

  /** True when this side opened the stream. */
  boolean isOutbound();

  /**
   * Sends {@code data} (ownership passes to the stream). The future completes once the bytes fit
   * the remote's receive window and were written to the connection: a writer that waits for it
   * before writing more gets backpressure. Fails with {@link MuxException} after a reset or after
   * {@link #closeWrite()}.
   */
  CompletableFuture<Void> write(ByteBuf data);

  /** Half-closes: no more writes from this side (yamux FIN); reading goes on. */
  CompletableFuture<Void> closeWrite();

  /** Aborts the stream both ways (yamux RST). */
  void reset();

  /** Sets the receiver of this stream's data and state changes. */
  void setHandler(MuxedStreamHandler handler);

  /**
   * Stops granting the remote more receive window, so it stops sending once the window is used;
   * {@link #resumeReading()} grants it again. Read-side backpressure for slow consumers.
   */
  void pauseReading();

  void resumeReading();

  /** True once both sides have closed for writing, or after a reset. */
  boolean isClosed();
}
