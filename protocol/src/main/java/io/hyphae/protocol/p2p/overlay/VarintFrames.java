package io.hyphae.protocol.p2p.overlay;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Unsigned-varint length-prefixed frames, as libp2p pubsub and Kademlia write protobuf messages on
 * a stream. Pure functions over byte arrays; the Netty framing handler delegates here.
 */
public final class VarintFrames {
  private VarintFrames() {}

  /** A decoded frame and how many input bytes it used. */
  public record Frame(byte[] payload, int consumed) {}

  /** Prefixes {@code payload} with its length; throws if it exceeds {@code maxLength}. */
  public static byte[] encode(byte[] payload, int maxLength) {
    if (payload.length > maxLength) {
      throw new IllegalArgumentException(
          "frame of " + payload.length + " bytes exceeds the limit of " + maxLength);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 5);
    writeVarint(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * Decodes one frame at {@code offset}. Returns null when more bytes are needed, throws {@link
   * FrameException} when the length prefix is malformed or exceeds {@code maxLength} (checked
   * before any payload is buffered).
   */
  public static Frame decode(byte[] in, int offset, int maxLength) throws FrameException {
    long length = 0;
    int shift = 0;
    int pos = offset;
    while (true) {
      if (pos >= in.length) {
        return null;
      }
      int b = in[pos++] & 0xff;
      length |= (long) (b & 0x7f) << shift;
      if (length > maxLength) {
        throw new FrameException(
            FrameException.Reason.OVERSIZED,
            "frame length exceeds the limit of " + maxLength + " bytes");
      }
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 28) {
        throw new FrameException(FrameException.Reason.MALFORMED, "length varint too long");
      }
    }
    if (pos - offset > 1 && in[pos - 1] == 0) {
      throw new FrameException(FrameException.Reason.MALFORMED, "length varint not minimal");
    }
    int len = (int) length;
    if (in.length - pos < len) {
      return null;
    }
    return new Frame(Arrays.copyOfRange(in, pos, pos + len), pos - offset + len);
  }

  /** Decodes exactly one frame that must fill {@code in}; a short input is {@code TRUNCATED}. */
  public static byte[] decodeExactly(byte[] in, int maxLength) throws FrameException {
    Frame f = decode(in, 0, maxLength);
    if (f == null) {
      throw new FrameException(FrameException.Reason.TRUNCATED, "truncated frame");
    }
    if (f.consumed() != in.length) {
      throw new FrameException(
          FrameException.Reason.MALFORMED, (in.length - f.consumed()) + " trailing bytes");
    }
    return f.payload();
  }

  static void writeVarint(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
