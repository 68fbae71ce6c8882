package io.hyphae.protocol.multiformats;

import java.math.BigInteger;
import java.util.Arrays;

/** Bitcoin's base58 alphabet (multibase "base58btc"), used for peer ids in text. */
public final class Base58 {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int[] INDEX = new int[128];
  private static final BigInteger BASE = BigInteger.valueOf(58);

  /** Longer text is refused before any arithmetic (peer ids are about 50 characters). */
  public static final int MAX_TEXT = 512;

  static {
    Arrays.fill(INDEX, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      INDEX[ALPHABET.charAt(i)] = i;
    }
  }

  private Base58() {}

  public static String encode(byte[] data) {
    int zeros = 0;
    while (zeros < data.length && data[zeros] == 0) {
      zeros++;
    }
    StringBuilder sb = new StringBuilder();
    BigInteger n = new BigInteger(1, data);
    while (n.signum() > 0) {
      BigInteger[] qr = n.divideAndRemainder(BASE);
      sb.append(ALPHABET.charAt(qr[1].intValue()));
      n = qr[0];
    }
    sb.append("1".repeat(zeros));
    return sb.reverse().toString();
  }

  public static byte[] decode(String text) {
    if (text.isEmpty()) {
      throw new FormatException("empty base58 text");
    }
    if (text.length() > MAX_TEXT) {
      throw new FormatException("base58 text longer than " + MAX_TEXT + " characters");
    }
    BigInteger n = BigInteger.ZERO;
    int zeros = 0;
    boolean leading = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int digit = c < 128 ? INDEX[c] : -1;
      if (digit < 0) {
        throw new FormatException("invalid base58 character '" + c + "' at " + i);
      }
      if (leading && digit == 0) {
        zeros++;
      } else {
        leading = false;
      }
      n = n.multiply(BASE).add(BigInteger.valueOf(digit));
    }
    byte[] body = n.signum() == 0 ? new byte[0] : n.toByteArray();
    int strip = body.length > 0 && body[0] == 0 ? 1 : 0;
    byte[] out = new byte[zeros + body.length - strip];
    System.arraycopy(body, strip, out, zeros, body.length - strip);
    return out;
  }
}
