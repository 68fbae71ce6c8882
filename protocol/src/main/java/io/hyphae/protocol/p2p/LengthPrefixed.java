package io.hyphae.protocol.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Unsigned-varint length-prefixed messages, the framing of identify and request/response. */
public final class LengthPrefixed {
  private LengthPrefixed() {}

  public static ByteBuf encode(ByteBufAllocator alloc, byte[] message) {
    ByteBuf out = alloc.buffer(message.length + 5);
    int length = message.length;
    while ((length & ~0x7F) != 0) {
      out.writeByte((length & 0x7F) | 0x80);
      length >>>= 7;
    }
    out.writeByte(length);
    out.writeBytes(message);
    return out;
  }

  /**
   * Reads one message if {@code in} holds a whole one (consuming it), else returns null and leaves
   * {@code in} untouched. A declared length over {@code maxLength} fails at once.
   */
  public static byte[] decode(ByteBuf in, int maxLength) {
    int start = in.readerIndex();
    long length = 0;
    int i = 0;
    while (true) {
      if (i >= in.readableBytes()) {
        return null;
      }
      if (i >= 5) {
        throw new P2pException(P2pException.Reason.PROTOCOL_ERROR, "length prefix too long");
      }
      int b = in.getUnsignedByte(start + i);
      length |= (long) (b & 0x7F) << (7 * i);
      i++;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length > maxLength) {
      throw new P2pException(
          P2pException.Reason.PROTOCOL_ERROR,
          "message of " + length + " bytes exceeds the limit of " + maxLength);
    }
    if (in.readableBytes() < i + length) {
      return null;
    }
    in.skipBytes(i);
    byte[] out = new byte[(int) length];
    in.readBytes(out);
    return out;
  }
}
