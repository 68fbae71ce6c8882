package io.hyphae.protocol.multiformats;

/** RFC 4648 base32, lower case, no padding (multibase "base32", prefix {@code b}). */
public final class Base32 {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

  /** Longer text is refused (CIDs of peer ids are about 60 characters). */
  public static final int MAX_TEXT = 1024;

  private Base32() {}

  public static String encode(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  /** Decodes lower- or upper-case text; trailing bits must be zero. */
  public static byte[] decode(String text) {
    if (text.length() > MAX_TEXT) {
      throw new FormatException("base32 text longer than " + MAX_TEXT + " characters");
    }
    byte[] out = new byte[text.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int pos = 0;
    for (int i = 0; i < text.length(); i++) {
      int v = ALPHABET.indexOf(Character.toLowerCase(text.charAt(i)));
      if (v < 0) {
        throw new FormatException("invalid base32 character '" + text.charAt(i) + "' at " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[pos++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    if ((buffer & ((1 << bits) - 1)) != 0) {
      throw new FormatException("base32 text has non-zero trailing bits");
    }
    return out;
  }
}
