package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One yamux stream: its state machine, its send window and write queue, its receive window and read
 * buffer. Every field is touched on the session's event loop only; the public methods hop there.
 */
final class YamuxStream implements MuxedStream {

  private static final Logger LOG = LoggerFactory.getLogger(YamuxStream.class);

  /** The stream's life, both directions together. */
  enum State {
    /** We sent SYN; the remote has not acknowledged yet. Both directions open. */
    SYN_SENT,
    /** Both directions open. */
    ESTABLISHED,
    /** We half-closed (FIN queued or sent); the remote may still send. */
    LOCAL_CLOSED,
    /** The remote half-closed; we may still send. */
    REMOTE_CLOSED,
    /** Both sides half-closed. */
    CLOSED,
    /** Aborted by either side or by the session's end. */
    RESET
  }

  /** A queued write; {@code data} null marks the FIN that closeWrite queued. */
  private record PendingWrite(ByteBuf data, CompletableFuture<Void> done) {}

  private final YamuxSession session;
  private final int id;
  private final boolean outbound;
  private final YamuxConfig config;

  private volatile State state;
  private boolean acknowledged;
  private MuxedStreamHandler handler;

  // Sending: what the remote still lets us send, and what waits for window.
  private long sendWindow = YamuxConfig.INITIAL_WINDOW;
  private final ArrayDeque<PendingWrite> writeQueue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean finSent;
  boolean inSendQueue;

  // Receiving: what the remote may still send, what was consumed but not yet granted back, and
  // data held for a consumer that has not read it (at most the window).
  private long receiveWindow;
  private long windowSize;
  private long consumedNotGranted;
  private final ArrayDeque<ByteBuf> readBuffer = new ArrayDeque<>();
  private boolean paused;
  private boolean remoteFinReceived;
  private boolean remoteCloseDelivered;
  private boolean delivering;
  private MuxException pendingReset;

  YamuxStream(YamuxSession session, int id, boolean outbound, YamuxConfig config) {
    this.session = session;
    this.id = id;
    this.outbound = outbound;
    this.config = config;
    this.state = outbound ? State.SYN_SENT : State.ESTABLISHED;
    this.acknowledged = !outbound;
    this.receiveWindow = config.receiveWindow();
    this.windowSize = config.receiveWindow();
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public boolean isOutbound() {
    return outbound;
  }

  State state() {
    return state;
  }

  boolean acknowledged() {
    return acknowledged;
  }

  @Override
  public boolean isClosed() {
    State s = state;
    return s == State.CLOSED || s == State.RESET;
  }

  @Override
  public CompletableFuture<Void> write(ByteBuf data) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.execute(
        () -> enqueueWrite(data, done),
        cause -> {
          data.release();
          done.completeExceptionally(cause);
        });
    return done;
  }

  private void enqueueWrite(ByteBuf data, CompletableFuture<Void> done) {
    MuxException refusal = writeRefusal();
    if (refusal == null
        && queuedBytes > 0
        && queuedBytes + data.readableBytes() > config.maxQueuedWriteBytes()) {
      refusal =
          new MuxException(
              MuxException.Reason.STREAM_LIMIT,
              "stream "
                  + unsignedId()
                  + " already queues "
                  + queuedBytes
                  + " bytes (limit "
                  + config.maxQueuedWriteBytes()
                  + "): wait for the previous write's future");
    }
    if (refusal != null) {
      data.release();
      done.completeExceptionally(refusal);
      return;
    }
    if (!data.isReadable()) {
      data.release();
      done.complete(null);
      return;
    }
    writeQueue.add(new PendingWrite(data, done));
    queuedBytes += data.readableBytes();
    session.scheduleSend(this);
  }

  private MuxException writeRefusal() {
    if (state == State.RESET) {
      return new MuxException(
          MuxException.Reason.STREAM_RESET, "stream " + unsignedId() + " was reset");
    }
    if (state == State.LOCAL_CLOSED || state == State.CLOSED) {
      return new MuxException(
          MuxException.Reason.WRITE_CLOSED, "stream " + unsignedId() + " is closed for writing");
    }
    if (!session.isOpen()) {
      return new MuxException(MuxException.Reason.SESSION_CLOSED, "session closed");
    }
    return null;
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.execute(
        () -> {
          MuxException refusal = writeRefusal();
          if (refusal != null) {
            if (refusal.reason() == MuxException.Reason.WRITE_CLOSED) {
              done.complete(null); // closing twice is harmless
            } else {
              done.completeExceptionally(refusal);
            }
            return;
          }
          state = state == State.REMOTE_CLOSED ? State.CLOSED : State.LOCAL_CLOSED;
          writeQueue.add(new PendingWrite(null, done));
          session.scheduleSend(this);
        },
        done::completeExceptionally);
    return done;
  }

  @Override
  public void reset() {
    session.execute(
        () -> {
          if (state == State.RESET) {
            return;
          }
          if (!(state == State.CLOSED && finSent)) {
            // Once both FINs went by, the remote has forgotten the stream: no RST needed.
            session.writeControl(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, id, 0);
          }
          terminate(
              new MuxException(
                  MuxException.Reason.STREAM_RESET, "stream " + unsignedId() + " reset locally"),
              false);
        },
        cause -> {});
  }

  @Override
  public void setHandler(MuxedStreamHandler newHandler) {
    session.execute(
        () -> {
          handler = newHandler;
          if (pendingReset != null) {
            MuxException cause = pendingReset;
            pendingReset = null;
            notifyReset(cause);
          } else {
            deliver();
          }
        },
        cause -> {});
  }

  @Override
  public void pauseReading() {
    session.execute(() -> paused = true, cause -> {});
  }

  @Override
  public void resumeReading() {
    session.execute(
        () -> {
          if (paused) {
            paused = false;
            deliver();
          }
        },
        cause -> {});
  }

  // ---- inbound frames (event loop) ----

  /**
   * Applies one frame addressed to this stream; takes ownership of the payload.
   *
   * @throws YamuxProtocolException when the remote overran the window or overflowed ours
   */
  void onFrame(YamuxFrame frame) throws YamuxProtocolException {
    ByteBuf payload = frame.payload();
    boolean kept = false;
    try {
      if (state == State.RESET) {
        return;
      }
      if (!acknowledged) {
        // An ACK opens the stream; any other frame from the remote implies it saw our SYN.
        acknowledged = true;
        session.onAcknowledged(this);
        if (state == State.SYN_SENT) {
          state = State.ESTABLISHED;
        }
      }
      if (frame.has(YamuxFrame.RST)) {
        terminate(
            new MuxException(
                MuxException.Reason.STREAM_RESET,
                "stream " + unsignedId() + " reset by the remote"),
            true);
        return;
      }
      if (frame.type() == YamuxFrame.Type.WINDOW_UPDATE && frame.length() > 0) {
        sendWindow += frame.length();
        if (sendWindow > YamuxFrame.MAX_UINT32) {
          throw new YamuxProtocolException(
              "window update overflows stream " + unsignedId() + "'s send window");
        }
        session.scheduleSend(this);
      }
      if (frame.type() == YamuxFrame.Type.DATA && frame.length() > 0) {
        if (remoteFinReceived) {
          // A stream-level fault: abort this stream, keep the session.
          LOG.debug("yamux stream {}: data after the remote's FIN; resetting", unsignedId());
          session.writeControl(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, id, 0);
          terminate(
              new MuxException(
                  MuxException.Reason.PROTOCOL_ERROR,
                  "stream " + unsignedId() + ": remote sent data after closing"),
              true);
          return;
        }
        if (frame.length() > receiveWindow) {
          throw new YamuxProtocolException(
              "stream "
                  + unsignedId()
                  + " received "
                  + frame.length()
                  + " bytes with only "
                  + receiveWindow
                  + " bytes of window left");
        }
        receiveWindow -= frame.length();
        readBuffer.add(payload);
        kept = true;
      }
      if (frame.has(YamuxFrame.FIN) && !remoteFinReceived) {
        remoteFinReceived = true;
        state =
            switch (state) {
              case SYN_SENT, ESTABLISHED -> State.REMOTE_CLOSED;
              case LOCAL_CLOSED -> State.CLOSED;
              default -> state;
            };
      }
      deliver();
    } finally {
      if (!kept) {
        payload.release();
      }
    }
  }

  /** Hands buffered data (and then the remote's FIN) to the handler, and grants window back. */
  private void deliver() {
    if (handler == null || delivering || state == State.RESET) {
      return;
    }
    delivering = true;
    try {
      while (!paused && !readBuffer.isEmpty() && state != State.RESET) {
        ByteBuf data = readBuffer.poll();
        consumedNotGranted += data.readableBytes();
        try {
          handler.onData(this, data);
        } catch (RuntimeException e) {
          handlerFailed("onData", e);
          return;
        }
      }
      if (readBuffer.isEmpty() && remoteFinReceived && !remoteCloseDelivered) {
        remoteCloseDelivered = true;
        // Settle the session's books first: a handler that reacts (on any thread) sees them final.
        session.removeIfDone(this);
        try {
          handler.onRemoteClose(this);
        } catch (RuntimeException e) {
          handlerFailed("onRemoteClose", e);
          return;
        }
      }
    } finally {
      delivering = false;
    }
    grantWindow();
    session.removeIfDone(this);
  }

  private void grantWindow() {
    if (paused || remoteFinReceived || state == State.RESET || !session.isOpen()) {
      return;
    }
    // Granting in halves of the window keeps the remote sending without one update per frame.
    if (consumedNotGranted > 0 && consumedNotGranted >= windowSize / 2) {
      long grant = consumedNotGranted;
      if (windowSize < config.maxReceiveWindow()) {
        // The reader keeps up (it has not paused) and the remote already used half the window:
        // the window, not the reader, bounds this stream. Double it, as go and js yamux auto-tune
        // theirs, within the session's budget; a reader that pauses stops the growth.
        long growth =
            session.reserveWindowGrowth(
                Math.min(windowSize, config.maxReceiveWindow() - windowSize));
        windowSize += growth;
        grant += growth;
      }
      session.writeControl(YamuxFrame.Type.WINDOW_UPDATE, 0, id, grant);
      receiveWindow += grant;
      consumedNotGranted = 0;
    }
  }

  /**
   * How much this stream's window grew beyond the initial one (returned to the session's budget).
   */
  long windowGrowth() {
    return windowSize - config.receiveWindow();
  }

  private void handlerFailed(String callback, RuntimeException e) {
    LOG.warn("yamux stream {}: handler {} threw; resetting the stream", unsignedId(), callback, e);
    if (state != State.RESET) {
      session.writeControl(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, id, 0);
      terminate(
          new MuxException(
              MuxException.Reason.STREAM_RESET, "stream handler failed: " + e.getMessage()),
          false);
    }
  }

  // ---- sending (event loop) ----

  boolean hasSendable() {
    if (state == State.RESET) {
      return false;
    }
    PendingWrite head = writeQueue.peek();
    return head != null && (head.data() == null || sendWindow > 0);
  }

  /** Writes one frame from the head of the queue. */
  void sendOne() {
    PendingWrite head = writeQueue.peek();
    if (head == null) {
      return;
    }
    if (head.data() == null) {
      writeQueue.poll();
      finSent = true;
      complete(
          session.writeControl(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.FIN, id, 0), head.done());
      session.removeIfDone(this);
      return;
    }
    int n =
        (int) Math.min(Math.min(head.data().readableBytes(), sendWindow), config.maxFrameData());
    ByteBuf chunk = head.data().readRetainedSlice(n);
    sendWindow -= n;
    queuedBytes -= n;
    ChannelFuture written = session.writeData(id, chunk);
    if (!head.data().isReadable()) {
      writeQueue.poll();
      head.data().release();
      complete(written, head.done());
    }
  }

  private void complete(ChannelFuture written, CompletableFuture<Void> done) {
    written.addListener(
        f -> {
          if (f.isSuccess()) {
            done.complete(null);
          } else {
            done.completeExceptionally(
                new MuxException(
                    MuxException.Reason.SESSION_CLOSED, "connection write failed: " + f.cause()));
          }
        });
  }

  boolean isDone() {
    return state == State.RESET
        || (state == State.CLOSED
            && finSent
            && writeQueue.isEmpty()
            && remoteCloseDelivered
            && readBuffer.isEmpty());
  }

  /**
   * Ends the stream: fails queued writes, drops unread data and, when {@code notify}, tells the
   * handler (or keeps the news for a handler set later).
   */
  void terminate(MuxException cause, boolean notify) {
    if (state == State.RESET) {
      return;
    }
    state = State.RESET;
    for (PendingWrite w; (w = writeQueue.poll()) != null; ) {
      if (w.data() != null) {
        w.data().release();
      }
      w.done().completeExceptionally(cause);
    }
    queuedBytes = 0;
    for (ByteBuf b; (b = readBuffer.poll()) != null; ) {
      b.release();
    }
    session.removeIfDone(this);
    if (notify) {
      if (handler != null) {
        notifyReset(cause);
      } else {
        pendingReset = cause;
      }
    }
  }

  private void notifyReset(MuxException cause) {
    try {
      handler.onReset(this, cause);
    } catch (RuntimeException e) {
      LOG.warn("yamux stream {}: handler onReset threw", unsignedId(), e);
    }
  }

  long unsignedId() {
    return Integer.toUnsignedLong(id);
  }

  @Override
  public String toString() {
    return "YamuxStream[" + unsignedId() + (outbound ? " out " : " in ") + state + "]";
  }

  /** The flow-control state, for diagnostics. */
  String describe() {
    return toString()
        + " sendWindow="
        + sendWindow
        + " queued="
        + queuedBytes
        + "/"
        + writeQueue.size()
        + " inSendQueue="
        + inSendQueue
        + " receiveWindow="
        + receiveWindow
        + "/"
        + windowSize
        + " unread="
        + readBuffer.size()
        + " consumedNotGranted="
        + consumedNotGranted
        + " paused="
        + paused
        + " handler="
        + (handler != null);
  }
}
