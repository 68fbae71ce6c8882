package io.hyphae.protocol.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reading helpers for short exchanges: each sets itself as the stream's reader, collects a bounded
 * amount, completes a future, and resets the stream on overflow, malformed input or timeout.
 */
public final class StreamReads {
  private StreamReads() {}

  /** Exactly {@code n} bytes (more data stays unread for the next reader). */
  public static CompletableFuture<byte[]> exactly(Stream stream, int n, Duration timeout) {
    return collect(
        stream,
        timeout,
        new Framing(n) {
          @Override
          byte[] take(CompositeByteBuf buf, boolean ended) {
            if (buf.readableBytes() >= n) {
              byte[] out = new byte[n];
              buf.readBytes(out);
              return out;
            }
            if (ended) {
              throw new P2pException(
                  P2pException.Reason.CLOSED,
                  "stream ended after " + buf.readableBytes() + " of " + n + " bytes");
            }
            return null;
          }
        });
  }

  /** One varint-length-prefixed message of at most {@code maxLength} bytes. */
  public static CompletableFuture<byte[]> lengthPrefixed(
      Stream stream, int maxLength, Duration timeout) {
    return collect(
        stream,
        timeout,
        new Framing(maxLength + 5) {
          @Override
          byte[] take(CompositeByteBuf buf, boolean ended) {
            byte[] m = LengthPrefixed.decode(buf, maxLength);
            if (m == null && ended) {
              throw new P2pException(
                  P2pException.Reason.CLOSED, "stream ended inside a length-prefixed message");
            }
            return m;
          }
        });
  }

  /** Everything until the remote closes, at most {@code maxLength} bytes. */
  public static CompletableFuture<byte[]> untilClose(
      Stream stream, int maxLength, Duration timeout) {
    return collect(
        stream,
        timeout,
        new Framing(maxLength) {
          @Override
          byte[] take(CompositeByteBuf buf, boolean ended) {
            return ended ? ByteBufUtil.getBytes(buf) : null;
          }
        });
  }

  private abstract static class Framing {
    final int maxBuffered;

    Framing(int maxBuffered) {
      this.maxBuffered = maxBuffered;
    }

    /** A whole value from {@code buf}, or null to wait for more; may throw P2pException. */
    abstract byte[] take(CompositeByteBuf buf, boolean ended);
  }

  private static CompletableFuture<byte[]> collect(
      Stream stream, Duration timeout, Framing framing) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    CompositeByteBuf buf = Unpooled.compositeBuffer();
    StreamReader reader =
        new StreamReader() {
          // buf is touched on the event loop only; released once, whichever way this ends
          private boolean released;

          private void release() {
            if (!released) {
              released = true;
              buf.release();
            }
          }

          @Override
          public void onData(Stream s, ByteBuf data) {
            if (result.isDone()) {
              data.release();
              release();
              return;
            }
            buf.addComponent(true, data);
            step(false);
          }

          @Override
          public void onRemoteClose(Stream s) {
            if (!result.isDone()) {
              step(true);
            }
          }

          @Override
          public void onReset(Stream s, P2pException cause) {
            result.completeExceptionally(cause);
            release();
          }

          private void step(boolean ended) {
            try {
              byte[] value = framing.take(buf, ended);
              if (value != null) {
                release();
                result.complete(value);
              } else if (buf.readableBytes() > framing.maxBuffered) {
                throw new P2pException(
                    P2pException.Reason.PROTOCOL_ERROR,
                    "more than " + framing.maxBuffered + " bytes without a whole message");
              }
            } catch (P2pException e) {
              release();
              result.completeExceptionally(e);
              stream.reset();
            }
          }
        };
    stream.setReader(reader);
    return result
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e -> {
              if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException) {
                stream.reset();
                return CompletableFuture.failedFuture(
                    new P2pException(
                        P2pException.Reason.TIMEOUT, "no answer within " + timeout, e));
              }
              return CompletableFuture.failedFuture(e);
            });
  }
}
