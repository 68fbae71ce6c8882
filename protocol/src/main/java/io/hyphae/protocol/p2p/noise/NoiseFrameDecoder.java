package io.hyphae.protocol.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into Noise messages: 2-byte big-endian length, then that many bytes. The
 * length field caps a message at 65535 bytes; an empty message is refused.
 *
 * <p>A full message (65537 bytes with its length) is larger than a socket read (at most 64 KiB), so
 * almost every message spans two reads. The reads are therefore kept as components of a composite
 * buffer instead of being merged: the cipher copies each message into its own array anyway, and
 * merging cost one more copy of every byte received.
 */
public final class NoiseFrameDecoder extends ByteToMessageDecoder {
  public static final int MAX_FRAME = 65535;

  public NoiseFrameDecoder() {
    setCumulator(COMPOSITE_CUMULATOR);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    while (in.readableBytes() >= 2) {
      int length = in.getUnsignedShort(in.readerIndex());
      if (length == 0) {
        throw new NoiseException(NoiseException.Reason.MALFORMED, "empty Noise message");
      }
      if (in.readableBytes() < 2 + length) {
        return;
      }
      in.skipBytes(2);
      out.add(in.readRetainedSlice(length));
    }
  }
}
