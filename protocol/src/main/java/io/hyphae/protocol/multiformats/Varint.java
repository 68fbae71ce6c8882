package io.hyphae.protocol.multiformats;

import java.io.ByteArrayOutputStream;

/**
 * Unsigned LEB128 varints as multiformats uses them: at most 9 bytes (63 bits), minimal encoding
 * required, so a value has exactly one encoding.
 */
public final class Varint {
  /** The multiformats spec caps varints at 9 bytes. */
  public static final int MAX_BYTES = 9;

  private Varint() {}

  /** The number of bytes {@code value} takes. */
  public static int size(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varints are unsigned: " + value);
    }
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  public static byte[] encode(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_BYTES);
    write(value, out);
    return out.toByteArray();
  }

  public static void write(long value, ByteArrayOutputStream out) {
    if (value < 0) {
      throw new IllegalArgumentException("varints are unsigned: " + value);
    }
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** A decoded value and the number of bytes it took. */
  public record Decoded(long value, int length) {}

  /**
   * Decodes a varint at {@code offset}. Fails on truncated input, more than {@link #MAX_BYTES}
   * bytes, or a non-minimal encoding.
   */
  public static Decoded decode(byte[] in, int offset) {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (offset + i >= in.length) {
        throw new FormatException("truncated varint");
      }
      int b = in[offset + i] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new FormatException("non-minimal varint");
        }
        return new Decoded(value, i + 1);
      }
    }
    throw new FormatException("varint longer than " + MAX_BYTES + " bytes");
  }
}
