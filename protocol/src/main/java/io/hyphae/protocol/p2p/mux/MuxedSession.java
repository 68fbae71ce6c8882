package io.hyphae.protocol.p2p.mux;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** One multiplexed connection: opens outbound streams and announces inbound ones. */
public interface MuxedSession {

  /**
   * Opens an outbound stream. Fails with {@link MuxException} when the session is closed, the
   * remote went away, or the stream limit is reached.
   */
  CompletableFuture<MuxedStream> openStream();

  /**
   * Receives each inbound stream. The consumer must call {@link MuxedStream#setHandler} before it
   * returns; data that arrives earlier is buffered within the receive window.
   */
  void setInboundStreamHandler(Consumer<MuxedStream> onInbound);

  /** Measures a round trip with the muxer's own ping. */
  CompletableFuture<Duration> ping();

  /** Tells the remote that no new streams will be accepted; open streams go on. */
  void goAway();

  /** Closes the session and the connection; every open stream is reset. */
  void close();

  boolean isOpen();

  /** Completes when the session has closed, for whatever reason. */
  CompletableFuture<Void> closeFuture();

  int openStreamCount();
}
