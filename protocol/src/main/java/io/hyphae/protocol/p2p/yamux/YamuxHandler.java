package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxedSession;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;

/**
 * The yamux muxer as the top handler of a secured connection's pipeline: it reads plaintext bytes
 * in any fragmentation, decodes frames into its {@link MuxedSession}, and writes frames downstream.
 * Not sharable: one handler, one session, one connection.
 */
public final class YamuxHandler extends ByteToMessageDecoder {

  /** The protocol id negotiated with multistream-select. */
  public static final String PROTOCOL_ID = "/yamux/1.0.0";

  private final YamuxSession session;
  private final YamuxFrameCodec codec;

  /**
   * @param initiator true on the side that dialed the connection (its streams get odd ids)
   */
  public YamuxHandler(boolean initiator, YamuxConfig config) {
    this(initiator, config, null);
  }

  /**
   * @param onInbound receives each inbound stream from the first frame on (same as {@link
   *     MuxedSession#setInboundStreamHandler}); null refuses inbound streams until one is set
   */
  public YamuxHandler(boolean initiator, YamuxConfig config, Consumer<MuxedStream> onInbound) {
    this.session = new YamuxSession(initiator, config, onInbound);
    this.codec = new YamuxFrameCodec(config.maxReceiveWindow());
  }

  /**
   * The session of this connection. Usable once the handler is in a pipeline (before that, its
   * futures fail with SESSION_CLOSED); {@code setInboundStreamHandler} works at any time.
   */
  public MuxedSession session() {
    return session;
  }

  YamuxSession yamuxSession() {
    return session;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    session.attach(ctx);
    super.handlerAdded(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      if (!session.isOpen()) {
        in.skipBytes(in.readableBytes()); // the session has ended; the connection is closing
        return;
      }
      YamuxFrame frame;
      try {
        frame = codec.decode(in);
        if (frame == null) {
          return;
        }
        session.onFrame(frame);
      } catch (YamuxProtocolException e) {
        session.protocolError(e);
        in.skipBytes(in.readableBytes());
        return;
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    session.flushIfNeeded();
    super.channelReadComplete(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      session.onWritable();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    try {
      super.channelInactive(ctx);
    } finally {
      session.connectionLost("connection closed");
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    session.connectionLost("yamux handler removed");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.connectionFailed(cause);
    ctx.close();
  }
}
