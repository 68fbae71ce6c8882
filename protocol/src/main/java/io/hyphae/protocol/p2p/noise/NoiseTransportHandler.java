package io.hyphae.protocol.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secured channel after the handshake: decrypts inbound Noise messages into plaintext and
 * encrypts outbound plaintext into messages of at most 65535 bytes (65519 of plaintext). A frame
 * that fails to decrypt closes the connection.
 */
public final class NoiseTransportHandler extends ChannelDuplexHandler {
  public static final int MAX_PLAINTEXT = NoiseFrameDecoder.MAX_FRAME - CipherState.TAG;

  private static final Logger LOG = LoggerFactory.getLogger(NoiseTransportHandler.class);
  private final CipherPair ciphers;

  NoiseTransportHandler(CipherPair ciphers) {
    this.ciphers = ciphers;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof ByteBuf frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf plain;
    try {
      plain = ciphers.decrypt(ctx.alloc(), frame);
    } catch (NoiseException e) {
      // a forged or corrupted message: the stream cipher is out of step, nothing can follow
      LOG.debug("addr={} closing connection: {}", ctx.channel().remoteAddress(), e.getMessage());
      ctx.close();
      return;
    } finally {
      frame.release();
    }
    ctx.fireChannelRead(plain);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException d && d.getCause() instanceof NoiseException n) {
      LOG.debug("addr={} closing connection: {}", ctx.channel().remoteAddress(), n.getMessage());
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  // Writes wait here until a flush (or until they fill several messages), so that many small
  // writes, such as a muxer's header and payload, share Noise messages and syscalls.
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private final ArrayDeque<ChannelPromise> pendingPromises = new ArrayDeque<>();
  private long pendingBytes;
  private static final int COALESCE_LIMIT = 4 * MAX_PLAINTEXT;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.write(msg, promise);
      return;
    }
    pending.add(in);
    pendingPromises.add(promise);
    pendingBytes += in.readableBytes();
    if (pendingBytes >= COALESCE_LIMIT) {
      encryptPending(ctx);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    encryptPending(ctx);
    ctx.flush();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    failPending(new java.nio.channels.ClosedChannelException());
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    encryptPending(ctx);
    ctx.flush();
    ctx.close(promise);
  }

  private void failPending(Throwable cause) {
    ByteBuf b;
    while ((b = pending.poll()) != null) {
      b.release();
    }
    ChannelPromise p;
    while ((p = pendingPromises.poll()) != null) {
      p.tryFailure(cause);
    }
    pendingBytes = 0;
  }

  private void encryptPending(ChannelHandlerContext ctx) {
    if (pending.isEmpty()) {
      return;
    }
    List<ChannelPromise> promises = new ArrayList<>(pendingPromises);
    pendingPromises.clear();
    CompositeByteBuf in = ctx.alloc().compositeBuffer(Math.max(2, pending.size()));
    ByteBuf b;
    while ((b = pending.poll()) != null) {
      in.addComponent(true, b);
    }
    pendingBytes = 0;
    ByteBuf out = null;
    try {
      int length = in.readableBytes();
      int chunks = Math.max(1, (length + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT);
      out = CipherPair.heapBuffer(ctx.alloc(), length + chunks * (2 + CipherState.TAG));
      while (chunks-- > 0) {
        ciphers.encryptFrame(in, Math.min(MAX_PLAINTEXT, in.readableBytes()), out);
      }
      ByteBuf toWrite = out;
      out = null;
      ctx.write(toWrite)
          .addListener(
              f -> {
                for (ChannelPromise p : promises) {
                  if (f.isSuccess()) {
                    p.trySuccess();
                  } else {
                    p.tryFailure(f.cause());
                  }
                }
              });
    } catch (RuntimeException e) {
      promises.forEach(p -> p.tryFailure(e));
      ctx.close();
    } finally {
      in.release();
      if (out != null) {
        out.release();
      }
    }
  }
}
