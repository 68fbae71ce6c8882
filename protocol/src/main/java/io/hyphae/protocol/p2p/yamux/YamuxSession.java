package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedSession;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The yamux session state machine: stream table and limits, go-away, pings, the fair send loop that
 * respects stream windows and channel writability. Runs on the channel's event loop; the public
 * methods hop there.
 */
final class YamuxSession implements MuxedSession {

  private static final Logger LOG = LoggerFactory.getLogger(YamuxSession.class);

  /** Control frames we queue while the connection is not writable before giving up on it. */
  static final int MAX_CONTROL_BACKLOG = 4096;

  /** How long a closing session waits for its last frame to be written. */
  static final Duration CLOSE_LINGER = Duration.ofSeconds(5);

  /** The session's life. */
  enum State {
    /** Not yet in a pipeline. */
    NEW,
    /** Streams open both ways. */
    OPEN,
    /** A go-away was sent or received: no new streams; closes when the last stream ends. */
    DRAINING,
    /** Ended; every stream reset. */
    CLOSED
  }

  private record PendingPing(
      CompletableFuture<Duration> result, long startNanos, ScheduledFuture<?> timeout) {}

  private final boolean initiator;
  private final YamuxConfig config;
  private volatile Consumer<MuxedStream> inboundHandler;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private ChannelHandlerContext ctx;
  private volatile State state = State.NEW;
  private volatile int streamCount;
  private final Map<Integer, YamuxStream> streams = new HashMap<>();
  private final ArrayDeque<YamuxStream> sendQueue = new ArrayDeque<>();
  private boolean sending;
  private boolean flushNeeded;
  private ChannelFuture lastWrite;
  private long nextStreamId;
  private int inboundCount;
  private int outboundCount;
  private int unackedCount;
  private boolean localGoAway;
  private boolean remoteGoAway;
  private final Map<Long, PendingPing> pings = new HashMap<>();
  private long nextPingId;
  private Throwable bug;
  private int controlBacklog;
  private boolean closingForBacklog;
  private long windowGrowth;

  YamuxSession(boolean initiator, YamuxConfig config, Consumer<MuxedStream> inboundHandler) {
    this.initiator = initiator;
    this.config = config;
    this.inboundHandler = inboundHandler;
    this.nextStreamId = initiator ? 1 : 2;
  }

  void attach(ChannelHandlerContext context) {
    this.ctx = context;
    this.state = State.OPEN;
  }

  State state() {
    return state;
  }

  // ---- public API ----

  @Override
  public CompletableFuture<MuxedStream> openStream() {
    CompletableFuture<MuxedStream> result = new CompletableFuture<>();
    execute(
        () -> {
          MuxException refusal = openRefusal();
          if (refusal != null) {
            result.completeExceptionally(refusal);
            return;
          }
          int id = (int) nextStreamId;
          nextStreamId += 2;
          YamuxStream stream = new YamuxStream(this, id, true, config);
          add(stream);
          outboundCount++;
          unackedCount++;
          writeControl(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, id, extraWindow());
          result.complete(stream);
        },
        result::completeExceptionally);
    return result;
  }

  private MuxException openRefusal() {
    if (state == State.CLOSED) {
      return new MuxException(MuxException.Reason.SESSION_CLOSED, "session closed");
    }
    if (remoteGoAway) {
      return new MuxException(
          MuxException.Reason.REMOTE_WENT_AWAY, "the remote sent go-away: no new streams");
    }
    if (localGoAway) {
      return new MuxException(
          MuxException.Reason.SESSION_CLOSED, "this session sent go-away: no new streams");
    }
    if (outboundCount >= config.maxOutboundStreams()) {
      return new MuxException(
          MuxException.Reason.STREAM_LIMIT,
          outboundCount + " outbound streams open (limit " + config.maxOutboundStreams() + ")");
    }
    if (unackedCount >= config.maxUnackedOutboundStreams()) {
      return new MuxException(
          MuxException.Reason.STREAM_LIMIT,
          unackedCount
              + " outbound streams await the remote's ACK (limit "
              + config.maxUnackedOutboundStreams()
              + ")");
    }
    if (nextStreamId > YamuxFrame.MAX_UINT32) {
      return new MuxException(MuxException.Reason.STREAM_LIMIT, "stream ids exhausted");
    }
    return null;
  }

  @Override
  public void setInboundStreamHandler(Consumer<MuxedStream> onInbound) {
    this.inboundHandler = onInbound;
  }

  @Override
  public CompletableFuture<Duration> ping() {
    CompletableFuture<Duration> result = new CompletableFuture<>();
    execute(
        () -> {
          if (state == State.CLOSED) {
            result.completeExceptionally(
                new MuxException(MuxException.Reason.SESSION_CLOSED, "session closed"));
            return;
          }
          if (pings.size() >= config.maxOutstandingPings()) {
            result.completeExceptionally(
                new MuxException(
                    MuxException.Reason.STREAM_LIMIT,
                    pings.size() + " pings already await their answer"));
            return;
          }
          long id = nextPingId;
          while (pings.containsKey(id)) {
            id = (id + 1) & YamuxFrame.MAX_UINT32;
          }
          nextPingId = (id + 1) & YamuxFrame.MAX_UINT32;
          long pingId = id;
          ScheduledFuture<?> timeout =
              ctx.executor()
                  .schedule(
                      () -> {
                        PendingPing p = pings.remove(pingId);
                        if (p != null) {
                          p.result()
                              .completeExceptionally(
                                  new MuxException(
                                      MuxException.Reason.TIMEOUT,
                                      "no ping answer within " + config.pingTimeout()));
                        }
                      },
                      config.pingTimeout().toNanos(),
                      TimeUnit.NANOSECONDS);
          pings.put(pingId, new PendingPing(result, System.nanoTime(), timeout));
          writeControl(YamuxFrame.Type.PING, YamuxFrame.SYN, 0, pingId);
        },
        result::completeExceptionally);
    return result;
  }

  @Override
  public void goAway() {
    execute(
        () -> {
          if (state == State.CLOSED || localGoAway) {
            return;
          }
          localGoAway = true;
          state = State.DRAINING;
          writeControl(YamuxFrame.Type.GO_AWAY, 0, 0, YamuxFrame.GoAwayCode.NORMAL.code());
          closeIfDrained();
        },
        cause -> {});
  }

  @Override
  public void close() {
    execute(
        () -> {
          if (state == State.CLOSED) {
            return;
          }
          if (!localGoAway) {
            localGoAway = true;
            writeControl(YamuxFrame.Type.GO_AWAY, 0, 0, YamuxFrame.GoAwayCode.NORMAL.code());
          }
          terminate(new MuxException(MuxException.Reason.SESSION_CLOSED, "session closed"));
        },
        cause -> {});
  }

  @Override
  public boolean isOpen() {
    State s = state;
    return s == State.OPEN || s == State.DRAINING;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public int openStreamCount() {
    return streamCount;
  }

  // ---- inbound frames (event loop) ----

  /** Applies one decoded frame; takes ownership of its payload. */
  void onFrame(YamuxFrame frame) throws YamuxProtocolException {
    if (state == State.CLOSED) {
      frame.payload().release();
      return;
    }
    switch (frame.type()) {
      case PING -> onPing(frame);
      case GO_AWAY -> onGoAway(frame);
      case DATA, WINDOW_UPDATE -> onStreamFrame(frame);
    }
  }

  private void onPing(YamuxFrame frame) {
    if (frame.has(YamuxFrame.SYN)) {
      writeControl(YamuxFrame.Type.PING, YamuxFrame.ACK, 0, frame.length());
      return;
    }
    PendingPing p = pings.remove(frame.length());
    if (p == null) {
      // An answer after our timeout, or one we never asked for: nothing waits for it.
      LOG.debug("yamux: ignoring ping answer {} that nothing awaits", frame.length());
      return;
    }
    p.timeout().cancel(false);
    p.result().complete(Duration.ofNanos(System.nanoTime() - p.startNanos()));
  }

  private void onGoAway(YamuxFrame frame) {
    remoteGoAway = true;
    long code = frame.length();
    if (code == YamuxFrame.GoAwayCode.NORMAL.code()) {
      if (state == State.OPEN) {
        state = State.DRAINING;
      }
      closeIfDrained();
      return;
    }
    String why =
        code == YamuxFrame.GoAwayCode.PROTOCOL_ERROR.code()
            ? "protocol error"
            : code == YamuxFrame.GoAwayCode.INTERNAL_ERROR.code()
                ? "internal error"
                : "unknown code " + code;
    LOG.debug("yamux: remote went away with {}", why);
    terminate(new MuxException(MuxException.Reason.REMOTE_WENT_AWAY, "remote went away: " + why));
  }

  private void onStreamFrame(YamuxFrame frame) throws YamuxProtocolException {
    int id = frame.streamId();
    YamuxStream stream = streams.get(id);
    if (frame.has(YamuxFrame.SYN)) {
      if (stream != null) {
        frame.payload().release();
        throw new YamuxProtocolException("SYN for stream " + stream.unsignedId() + " already open");
      }
      if (isLocalId(id)) {
        frame.payload().release();
        throw new YamuxProtocolException(
            "remote opened stream " + frame.unsignedStreamId() + ", an id of our parity");
      }
      if (frame.has(YamuxFrame.RST)) {
        frame.payload().release(); // opened and aborted in one frame: nothing to do
        return;
      }
      stream = acceptInbound(id);
    }
    if (stream == null) {
      // A late frame for a stream already gone (or just refused): drop it.
      frame.payload().release();
      return;
    }
    stream.onFrame(frame);
  }

  private YamuxStream acceptInbound(int id) {
    Consumer<MuxedStream> onInbound = inboundHandler;
    String refusal =
        state != State.OPEN
            ? "session is " + state
            : onInbound == null
                ? "no inbound stream handler"
                : inboundCount >= config.maxInboundStreams()
                    ? inboundCount
                        + " inbound streams open (limit "
                        + config.maxInboundStreams()
                        + ")"
                    : null;
    if (refusal != null) {
      LOG.debug("yamux: refusing inbound stream {}: {}", Integer.toUnsignedLong(id), refusal);
      writeControl(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, id, 0);
      return null;
    }
    YamuxStream stream = new YamuxStream(this, id, false, config);
    add(stream);
    inboundCount++;
    writeControl(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, id, extraWindow());
    try {
      onInbound.accept(stream);
    } catch (RuntimeException e) {
      LOG.warn("yamux: inbound stream handler threw; resetting stream {}", stream.unsignedId(), e);
      stream.reset();
    }
    return stream;
  }

  private boolean isLocalId(int id) {
    return ((id & 1) == 1) == initiator;
  }

  private long extraWindow() {
    return config.receiveWindow() - (long) YamuxConfig.INITIAL_WINDOW;
  }

  // ---- stream bookkeeping (event loop) ----

  private void add(YamuxStream stream) {
    streams.put(stream.id(), stream);
    streamCount = streams.size();
  }

  void onAcknowledged(YamuxStream stream) {
    if (stream.isOutbound()) {
      unackedCount--;
    }
  }

  void removeIfDone(YamuxStream stream) {
    if (!stream.isDone() || streams.get(stream.id()) != stream) {
      return;
    }
    streams.remove(stream.id());
    streamCount = streams.size();
    windowGrowth -= stream.windowGrowth();
    if (stream.isOutbound()) {
      outboundCount--;
      if (!stream.acknowledged()) {
        unackedCount--;
      }
    } else {
      inboundCount--;
    }
    closeIfDrained();
  }

  /**
   * Takes up to {@code wanted} bytes of receive-window growth from the session's budget ({@link
   * YamuxConfig#SESSION_GROWTH_FACTOR} max windows), so that many fast streams whose readers then
   * stall cannot make the session buffer without bound.
   */
  long reserveWindowGrowth(long wanted) {
    long budget = (long) YamuxConfig.SESSION_GROWTH_FACTOR * config.maxReceiveWindow();
    long granted = Math.max(0, Math.min(wanted, budget - windowGrowth));
    windowGrowth += granted;
    return granted;
  }

  private void closeIfDrained() {
    if (state == State.DRAINING && streams.isEmpty()) {
      terminate(new MuxException(MuxException.Reason.SESSION_CLOSED, "session drained"));
    }
  }

  // ---- sending (event loop) ----

  void scheduleSend(YamuxStream stream) {
    if (!stream.inSendQueue && stream.hasSendable()) {
      stream.inSendQueue = true;
      sendQueue.add(stream);
    }
    drainSendQueue();
  }

  /** The connection became writable again. */
  void onWritable() {
    controlBacklog = 0;
    drainSendQueue();
    flushIfNeeded();
  }

  /** Round-robin, one frame per stream per turn, while the channel takes more. */
  void drainSendQueue() {
    if (sending || state == State.CLOSED || state == State.NEW) {
      return;
    }
    sending = true;
    try {
      while (!sendQueue.isEmpty() && ctx.channel().isWritable()) {
        YamuxStream stream = sendQueue.poll();
        stream.inSendQueue = false;
        if (!stream.hasSendable()) {
          continue;
        }
        stream.sendOne();
        if (stream.hasSendable()) {
          stream.inSendQueue = true;
          sendQueue.add(stream);
        }
      }
    } finally {
      sending = false;
    }
  }

  ChannelFuture writeControl(YamuxFrame.Type type, int flags, int streamId, long length) {
    if (!ctx.channel().isWritable()
        && ++controlBacklog > MAX_CONTROL_BACKLOG
        && !closingForBacklog) {
      // The remote makes us answer (pings, refused SYNs) without reading the answers.
      closingForBacklog = true;
      LOG.debug("yamux: {} control frames wait on an unwritable connection", controlBacklog);
      ctx.executor()
          .execute(
              () ->
                  protocolError(
                      new YamuxProtocolException(
                          "the remote does not read: "
                              + controlBacklog
                              + " control frames wait to be sent")));
    }
    flushNeeded = true;
    lastWrite = ctx.write(YamuxFrameCodec.header(ctx.alloc(), type, flags, streamId, length));
    return lastWrite;
  }

  ChannelFuture writeData(int streamId, ByteBuf data) {
    ByteBuf header =
        YamuxFrameCodec.header(
            ctx.alloc(), YamuxFrame.Type.DATA, 0, streamId, data.readableBytes());
    // One buffer per frame, so a security layer below seals header and payload together.
    CompositeByteBuf frame = ctx.alloc().compositeBuffer(2).addComponents(true, header, data);
    flushNeeded = true;
    lastWrite = ctx.write(frame);
    return lastWrite;
  }

  void flushIfNeeded() {
    if (flushNeeded && ctx != null) {
      flushNeeded = false;
      ctx.flush();
    }
  }

  // ---- failure and teardown (event loop) ----

  /** The remote broke the protocol: tell it why, reset everything, close the connection. */
  void protocolError(YamuxProtocolException e) {
    if (state == State.CLOSED) {
      return;
    }
    LOG.debug("yamux: protocol error from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
    writeControl(YamuxFrame.Type.GO_AWAY, 0, 0, YamuxFrame.GoAwayCode.PROTOCOL_ERROR.code());
    terminate(new MuxException(MuxException.Reason.PROTOCOL_ERROR, e.getMessage()));
  }

  /** The connection failed or closed under us. */
  void connectionLost(String why) {
    if (state == State.CLOSED) {
      return;
    }
    terminate(new MuxException(MuxException.Reason.SESSION_CLOSED, why));
  }

  /**
   * An exception reached the handler: an I/O error of the connection, or a bug of ours thrown while
   * handling a frame (kept for tests, logged as an error).
   */
  void connectionFailed(Throwable cause) {
    if (cause instanceof java.io.IOException) {
      LOG.debug("yamux: connection failed: {}", cause.toString());
    } else {
      LOG.error("yamux: unexpected failure; closing the session", cause);
      if (bug == null) {
        bug = cause;
      }
    }
    connectionLost("connection failed: " + cause);
  }

  /** The session's and its streams' state, for diagnostics. */
  String describe() {
    StringBuilder b =
        new StringBuilder("YamuxSession[")
            .append(initiator ? "dialer " : "listener ")
            .append(state)
            .append(" writable=")
            .append(ctx != null && ctx.channel().isWritable())
            .append(" sendQueue=")
            .append(sendQueue.size())
            .append(" controlBacklog=")
            .append(controlBacklog)
            .append("]");
    for (YamuxStream s : streams.values()) {
      b.append("\n  ").append(s.describe());
    }
    return b.toString();
  }

  /** The first unexpected exception (our bug), or null. */
  Throwable bug() {
    return bug;
  }

  /** Resets every stream, fails pending pings, closes the connection, completes closeFuture. */
  private void terminate(MuxException cause) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    sendQueue.clear();
    for (YamuxStream stream : new ArrayList<>(streams.values())) {
      stream.terminate(cause, true);
    }
    streams.clear();
    streamCount = 0;
    windowGrowth = 0;
    for (PendingPing p : pings.values()) {
      p.timeout().cancel(false);
      p.result().completeExceptionally(cause);
    }
    pings.clear();
    if (ctx != null) {
      closeAfterLastWrite();
    }
    closeFuture.complete(null);
  }

  /**
   * Closes the connection once our last frame (a go-away, usually) has gone out, or after {@link
   * #CLOSE_LINGER} when the remote does not read it.
   */
  private void closeAfterLastWrite() {
    ChannelFuture last = lastWrite;
    flushNeeded = false;
    if (last == null || last.isDone() || !ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    ctx.flush();
    last.addListener(ChannelFutureListener.CLOSE);
    ScheduledFuture<?> linger =
        ctx.executor().schedule(() -> ctx.close(), CLOSE_LINGER.toMillis(), TimeUnit.MILLISECONDS);
    ctx.channel().closeFuture().addListener(f -> linger.cancel(false));
  }

  /**
   * Runs {@code task} on the event loop (inline when already there), then flushes what it wrote;
   * {@code rejected} hears why when the session is not in a pipeline or the loop has shut down.
   */
  void execute(Runnable task, Consumer<MuxException> rejected) {
    ChannelHandlerContext context = ctx;
    if (context == null) {
      rejected.accept(
          new MuxException(
              MuxException.Reason.SESSION_CLOSED, "the yamux handler is not in a pipeline yet"));
      return;
    }
    Runnable run =
        () -> {
          try {
            task.run();
          } finally {
            flushIfNeeded();
          }
        };
    if (context.executor().inEventLoop()) {
      run.run();
      return;
    }
    try {
      context.executor().execute(run);
    } catch (RejectedExecutionException e) {
      rejected.accept(new MuxException(MuxException.Reason.SESSION_CLOSED, "event loop shut down"));
    }
  }
}
