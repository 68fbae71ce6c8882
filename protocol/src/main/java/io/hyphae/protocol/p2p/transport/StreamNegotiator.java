package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.multistream.MultistreamCodec;
import io.hyphae.protocol.p2p.multistream.MultistreamException;
import io.hyphae.protocol.p2p.multistream.MultistreamNegotiation;
import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs multistream-select on one muxed stream, then hands the stream, with any bytes that came
 * after the agreement, to {@code onSelected}. Fails (and resets the stream) on malformed input, no
 * common protocol, or the timeout.
 */
final class StreamNegotiator implements MuxedStreamHandler {
  /** What negotiation yields: the protocol, and the bytes already read past it (may be empty). */
  interface Done {
    void selected(MuxedStream stream, String protocol, ByteBuf leftover);
  }

  private final MuxedStream stream;
  private final MultistreamNegotiation negotiation;
  private final ByteBufAllocator alloc;
  private final Done onSelected;
  private final BiConsumer<MuxedStream, P2pException> onFailed;
  private final CompositeByteBuf buffer;
  private final ScheduledFuture<?> timeout;
  private boolean finished;

  StreamNegotiator(
      MuxedStream stream,
      MultistreamNegotiation negotiation,
      ByteBufAllocator alloc,
      EventLoop loop,
      Duration timeout,
      Done onSelected,
      BiConsumer<MuxedStream, P2pException> onFailed) {
    this.stream = stream;
    this.negotiation = negotiation;
    this.alloc = alloc;
    this.onSelected = onSelected;
    this.onFailed = onFailed;
    this.buffer = alloc.compositeBuffer();
    this.timeout =
        loop.schedule(
            () ->
                fail(
                    new P2pException(P2pException.Reason.TIMEOUT, "protocol negotiation timed out"),
                    true),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** Sends the opening messages; call on the event loop after setting this as the handler. */
  void start() {
    send(negotiation.start().send());
  }

  private void send(List<String> messages) {
    if (!messages.isEmpty()) {
      stream.write(MultistreamCodec.encode(alloc, messages.toArray(String[]::new)));
    }
  }

  @Override
  public void onData(MuxedStream s, ByteBuf data) {
    if (finished) {
      data.release();
      return;
    }
    buffer.addComponent(true, data);
    try {
      String message;
      while (!finished && (message = MultistreamCodec.decode(buffer)) != null) {
        MultistreamNegotiation.Step step = negotiation.onMessage(message);
        send(step.send());
        if (step.done()) {
          finished = true;
          timeout.cancel(false);
          ByteBuf leftover = buffer.readRetainedSlice(buffer.readableBytes());
          buffer.release();
          onSelected.selected(stream, step.selected(), leftover);
          return;
        }
      }
      buffer.discardReadComponents();
    } catch (MultistreamException e) {
      P2pException.Reason reason =
          e.reason() == MultistreamException.Reason.UNSUPPORTED
              ? P2pException.Reason.PROTOCOL_NOT_SUPPORTED
              : P2pException.Reason.PROTOCOL_ERROR;
      fail(new P2pException(reason, e.getMessage(), e), true);
    }
  }

  @Override
  public void onRemoteClose(MuxedStream s) {
    fail(new P2pException(P2pException.Reason.CLOSED, "stream closed in negotiation"), true);
  }

  @Override
  public void onReset(MuxedStream s, MuxException cause) {
    fail(Libp2pStream.map(cause), false);
  }

  private void fail(P2pException cause, boolean reset) {
    if (finished) {
      return;
    }
    finished = true;
    timeout.cancel(false);
    buffer.release();
    if (reset) {
      stream.reset();
    }
    onFailed.accept(stream, cause);
  }
}
