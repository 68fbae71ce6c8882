package io.hyphae.protocol.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import java.nio.ByteBuffer;
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

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf out = null;
    try {
      int length = in.readableBytes();
      int chunks = Math.max(1, (length + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT);
      out = ctx.alloc().directBuffer(length + chunks * (2 + CipherState.TAG));
      while (chunks-- > 0) {
        int n = Math.min(MAX_PLAINTEXT, in.readableBytes());
        out.writeShort(n + CipherState.TAG);
        ByteBuffer src = in.nioBuffer(in.readerIndex(), n);
        ByteBuffer dst = out.nioBuffer(out.writerIndex(), n + CipherState.TAG);
        int written = ciphers.encryptInto(src, dst);
        out.writerIndex(out.writerIndex() + written);
        in.skipBytes(n);
      }
      ByteBuf toWrite = out;
      out = null;
      ctx.write(toWrite, promise);
    } catch (RuntimeException e) {
      promise.tryFailure(e);
      ctx.close();
    } finally {
      in.release();
      if (out != null) {
        out.release();
      }
    }
  }
}
