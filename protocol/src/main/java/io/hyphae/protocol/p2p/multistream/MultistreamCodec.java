package io.hyphae.protocol.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Frames multistream-select messages: unsigned varint length, UTF-8 text, {@code '\n'}. */
public final class MultistreamCodec {
  public static final String PROTOCOL_ID = "/multistream/1.0.0";
  public static final String NA = "na";

  /** Longest message, newline included (go-multistream and js use 1024). */
  public static final int MAX_MESSAGE = 1024;

  private MultistreamCodec() {}

  public static ByteBuf encode(ByteBufAllocator alloc, String... messages) {
    ByteBuf out = alloc.buffer();
    for (String message : messages) {
      byte[] text = message.getBytes(StandardCharsets.UTF_8);
      int length = text.length + 1;
      if (length > MAX_MESSAGE) {
        out.release();
        throw new IllegalArgumentException("multistream message longer than " + MAX_MESSAGE);
      }
      while ((length & ~0x7F) != 0) {
        out.writeByte((length & 0x7F) | 0x80);
        length >>>= 7;
      }
      out.writeByte(length);
      out.writeBytes(text);
      out.writeByte('\n');
    }
    return out;
  }

  /**
   * Reads one message from {@code in} if it holds a whole one (consuming it), else returns null and
   * leaves {@code in} untouched.
   */
  public static String decode(ByteBuf in) throws MultistreamException {
    int start = in.readerIndex();
    int length = 0;
    int shift = 0;
    int i = 0;
    while (true) {
      if (i >= in.readableBytes()) {
        return null;
      }
      if (i >= 2) {
        throw new MultistreamException(
            MultistreamException.Reason.MALFORMED, "multistream length prefix too long");
      }
      int b = in.getUnsignedByte(start + i);
      length |= (b & 0x7F) << shift;
      shift += 7;
      i++;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length > MAX_MESSAGE) {
      throw new MultistreamException(
          MultistreamException.Reason.MALFORMED,
          "multistream message of " + length + " bytes exceeds " + MAX_MESSAGE);
    }
    if (length == 0) {
      throw new MultistreamException(MultistreamException.Reason.MALFORMED, "empty message");
    }
    if (in.readableBytes() < i + length) {
      return null;
    }
    if (in.getByte(start + i + length - 1) != '\n') {
      throw new MultistreamException(
          MultistreamException.Reason.MALFORMED, "multistream message does not end in a newline");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(in.nioBuffer(start + i, length - 1))
              .toString();
    } catch (CharacterCodingException e) {
      throw new MultistreamException(
          MultistreamException.Reason.MALFORMED, "multistream message is not UTF-8");
    }
    in.skipBytes(i + length);
    return text;
  }
}
