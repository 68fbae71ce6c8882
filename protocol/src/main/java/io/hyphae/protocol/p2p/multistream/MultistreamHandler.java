package io.hyphae.protocol.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Runs multistream-select on a channel. When a protocol is agreed it calls {@code onSelected}
 * (which installs the next handlers after this one) and removes itself; bytes that arrived after
 * the agreement flow on to those handlers. On failure it reports and closes the channel.
 */
public final class MultistreamHandler extends ByteToMessageDecoder {
  /** Told the outcome once: the protocol, or the failure. */
  public interface Outcome {
    void selected(ChannelHandlerContext ctx, String protocol);

    void failed(ChannelHandlerContext ctx, Throwable cause);
  }

  private final MultistreamNegotiation negotiation;
  private final Outcome outcome;
  private boolean finished;

  public MultistreamHandler(MultistreamNegotiation negotiation, Outcome outcome) {
    this.negotiation = negotiation;
    this.outcome = outcome;
  }

  /** Convenience for callers with lambdas. */
  public static Outcome outcome(
      BiConsumer<ChannelHandlerContext, String> selected,
      BiConsumer<ChannelHandlerContext, Throwable> failed) {
    return new Outcome() {
      @Override
      public void selected(ChannelHandlerContext ctx, String protocol) {
        selected.accept(ctx, protocol);
      }

      @Override
      public void failed(ChannelHandlerContext ctx, Throwable cause) {
        failed.accept(ctx, cause);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    super.channelActive(ctx);
  }

  private boolean started;

  private void start(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    send(ctx, negotiation.start().send());
  }

  private static void send(ChannelHandlerContext ctx, List<String> messages) {
    if (!messages.isEmpty()) {
      ctx.writeAndFlush(MultistreamCodec.encode(ctx.alloc(), messages.toArray(String[]::new)));
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (finished) {
      // after the agreement: pass bytes on (decode can run once more before removal completes)
      out.add(in.readRetainedSlice(in.readableBytes()));
      return;
    }
    String message;
    while (!finished && (message = MultistreamCodec.decode(in)) != null) {
      MultistreamNegotiation.Step step = negotiation.onMessage(message);
      send(ctx, step.send());
      if (step.done()) {
        finished = true;
        outcome.selected(ctx, step.selected());
        ctx.pipeline().remove(this);
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(
        ctx,
        cause instanceof io.netty.handler.codec.DecoderException d && d.getCause() != null
            ? d.getCause()
            : cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!finished) {
      fail(
          ctx,
          new MultistreamException(
              MultistreamException.Reason.CLOSED, "connection closed during negotiation"));
    }
    super.channelInactive(ctx);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (finished) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    finished = true;
    outcome.failed(ctx, cause);
    ctx.close();
  }
}
