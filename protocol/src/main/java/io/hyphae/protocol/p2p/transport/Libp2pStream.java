package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReader;
import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A negotiated stream: forwards to the muxed stream and buffers what arrives before the reader is
 * set (up to a limit; beyond it the stream is reset). Runs its callbacks on the event loop.
 */
final class Libp2pStream implements Stream, MuxedStreamHandler {
  private final MuxedStream muxed;
  private final String protocol;
  private final Libp2pConnection connection;
  private final EventLoop loop;
  private final int maxBuffered;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // event-loop state
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private int pendingBytes;
  private boolean remoteClosed;
  private P2pException resetCause;
  private StreamReader reader;
  private boolean localClosed;

  Libp2pStream(
      MuxedStream muxed,
      String protocol,
      Libp2pConnection connection,
      EventLoop loop,
      int maxBuffered) {
    this.muxed = muxed;
    this.protocol = protocol;
    this.connection = connection;
    this.loop = loop;
    this.maxBuffered = maxBuffered;
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public boolean isInitiator() {
    return muxed.isOutbound();
  }

  @Override
  public CompletableFuture<Void> write(ByteBuf data) {
    return muxed.write(data).exceptionallyCompose(e -> CompletableFuture.failedFuture(map(e)));
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    CompletableFuture<Void> f = muxed.closeWrite();
    loop.execute(
        () -> {
          localClosed = true;
          maybeClosed();
        });
    return f.exceptionallyCompose(e -> CompletableFuture.failedFuture(map(e)));
  }

  @Override
  public void reset() {
    muxed.reset();
    loop.execute(() -> onResetInLoop(new P2pException(P2pException.Reason.CLOSED, "reset by us")));
  }

  @Override
  public void setReader(StreamReader newReader) {
    if (loop.inEventLoop()) {
      setReaderInLoop(newReader);
    } else {
      loop.execute(() -> setReaderInLoop(newReader));
    }
  }

  private void setReaderInLoop(StreamReader newReader) {
    reader = newReader;
    while (!pending.isEmpty() && reader == newReader) {
      ByteBuf b = pending.poll();
      pendingBytes -= b.readableBytes();
      deliver(b);
    }
    if (reader != newReader) {
      return;
    }
    if (resetCause != null) {
      reader.onReset(this, resetCause);
    } else if (remoteClosed) {
      reader.onRemoteClose(this);
    }
  }

  @Override
  public void pauseReading() {
    muxed.pauseReading();
  }

  @Override
  public void resumeReading() {
    muxed.resumeReading();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  // ---- MuxedStreamHandler, on the event loop ----

  /** Data that came with the negotiation's last message. */
  void prepend(ByteBuf leftover) {
    onData(muxed, leftover);
  }

  @Override
  public void onData(MuxedStream stream, ByteBuf data) {
    if (resetCause != null) {
      data.release();
      return;
    }
    if (reader != null) {
      deliver(data);
      return;
    }
    if (pendingBytes + data.readableBytes() > maxBuffered) {
      data.release();
      connection.logPeer("stream " + protocol + ": reader not set, buffer over " + maxBuffered);
      muxed.reset();
      onResetInLoop(
          new P2pException(P2pException.Reason.LIMIT, "unread stream data over " + maxBuffered));
      return;
    }
    pendingBytes += data.readableBytes();
    pending.add(data);
  }

  private void deliver(ByteBuf data) {
    try {
      reader.onData(this, data);
    } catch (RuntimeException e) {
      connection.logPeer("stream " + protocol + " reader failed: " + e);
      muxed.reset();
      onResetInLoop(new P2pException(P2pException.Reason.CLOSED, "reader failed", e));
    }
  }

  @Override
  public void onRemoteClose(MuxedStream stream) {
    remoteClosed = true;
    if (reader != null && pending.isEmpty()) {
      try {
        reader.onRemoteClose(this);
      } catch (RuntimeException e) {
        muxed.reset();
        onResetInLoop(new P2pException(P2pException.Reason.CLOSED, "reader failed", e));
        return;
      }
    }
    maybeClosed();
  }

  @Override
  public void onReset(MuxedStream stream, MuxException cause) {
    onResetInLoop(map(cause));
  }

  private void onResetInLoop(P2pException cause) {
    if (resetCause != null || closeFuture.isDone()) {
      return;
    }
    resetCause = cause;
    ByteBuf b;
    while ((b = pending.poll()) != null) {
      b.release();
    }
    pendingBytes = 0;
    connection.streamEnded(this);
    if (reader != null) {
      try {
        reader.onReset(this, cause);
      } catch (RuntimeException e) {
        connection.logPeer("stream " + protocol + " reader failed on reset: " + e);
      }
    }
    closeFuture.completeExceptionally(cause);
  }

  private void maybeClosed() {
    if (localClosed && remoteClosed && resetCause == null && !closeFuture.isDone()) {
      // data nobody will read (the reader was never set) is dropped with the stream
      ByteBuf b;
      while ((b = pending.poll()) != null) {
        b.release();
      }
      pendingBytes = 0;
      connection.streamEnded(this);
      closeFuture.complete(null);
    }
  }

  static P2pException map(Throwable e) {
    Throwable t =
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause()
            : e;
    if (t instanceof P2pException p) {
      return p;
    }
    if (t instanceof MuxException m) {
      P2pException.Reason r =
          switch (m.reason()) {
            case STREAM_LIMIT -> P2pException.Reason.LIMIT;
            case TIMEOUT -> P2pException.Reason.TIMEOUT;
            case PROTOCOL_ERROR -> P2pException.Reason.PROTOCOL_ERROR;
            default -> P2pException.Reason.CLOSED;
          };
      return new P2pException(r, m.getMessage(), m);
    }
    return new P2pException(P2pException.Reason.CLOSED, String.valueOf(t.getMessage()), t);
  }

  @Override
  public String toString() {
    return "Stream[" + protocol + " #" + muxed.id() + " " + connection.remotePeer() + "]";
  }
}
