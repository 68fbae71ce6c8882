package io.hyphae.protocol.p2p.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Poly1305 one-time authenticator (RFC 8439 section 2.5) in 26-bit limbs, so that every product
 * and every sum of five products fits a Java long. The JDK's own Poly1305 is vectorised only on
 * CPUs with AVX-512 or AVX-IFMA; elsewhere its generic field arithmetic is the slowest part of the
 * Noise transport (about a third of the speed of this loop). Not thread-safe; one instance per
 * cipher.
 */
final class Poly1305 {
  static final int TAG = 16;
  private static final int BLOCK = 16;
  private static final long M26 = 0x3ffffff;
  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private long r0, r1, r2, r3, r4;
  private long s1, s2, s3, s4;
  private long h0, h1, h2, h3, h4;
  private int pad0, pad1, pad2, pad3;
  private final byte[] partial = new byte[BLOCK];
  private int partialLength;

  /** Starts a new tag with the 32-byte one-time key at {@code key[offset]}. */
  void init(byte[] key, int offset) {
    // r is clamped as the RFC says: the top 4 bits of bytes 3, 7, 11, 15 and the low 2 bits of
    // bytes 4, 8, 12 are cleared.
    int t0 = (int) LE_INT.get(key, offset);
    int t1 = (int) LE_INT.get(key, offset + 4);
    int t2 = (int) LE_INT.get(key, offset + 8);
    int t3 = (int) LE_INT.get(key, offset + 12);
    r0 = t0 & 0x3ffffff;
    r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
    r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
    r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
    r4 = (t3 >>> 8) & 0x00fffff;
    s1 = r1 * 5;
    s2 = r2 * 5;
    s3 = r3 * 5;
    s4 = r4 * 5;
    h0 = h1 = h2 = h3 = h4 = 0;
    pad0 = (int) LE_INT.get(key, offset + 16);
    pad1 = (int) LE_INT.get(key, offset + 20);
    pad2 = (int) LE_INT.get(key, offset + 24);
    pad3 = (int) LE_INT.get(key, offset + 28);
    partialLength = 0;
  }

  void update(byte[] in, int offset, int length) {
    if (partialLength > 0) {
      int n = Math.min(length, BLOCK - partialLength);
      System.arraycopy(in, offset, partial, partialLength, n);
      partialLength += n;
      offset += n;
      length -= n;
      if (partialLength < BLOCK) {
        return;
      }
      blocks(partial, 0, BLOCK, 1L << 24);
      partialLength = 0;
    }
    int whole = length & ~(BLOCK - 1);
    if (whole > 0) {
      blocks(in, offset, whole, 1L << 24);
    }
    if (whole < length) {
      partialLength = length - whole;
      System.arraycopy(in, offset + whole, partial, 0, partialLength);
    }
  }

  /** Feeds zeros up to the next 16-byte boundary (the AEAD's padding). */
  void padToBlock() {
    if (partialLength > 0) {
      java.util.Arrays.fill(partial, partialLength, BLOCK, (byte) 0);
      blocks(partial, 0, BLOCK, 1L << 24);
      partialLength = 0;
    }
  }

  /** Absorbs whole 16-byte blocks; {@code hibit} is 2^128 in the top limb, or 0 for the last. */
  private void blocks(byte[] in, int offset, int length, long hibit) {
    long h0 = this.h0, h1 = this.h1, h2 = this.h2, h3 = this.h3, h4 = this.h4;
    final long r0 = this.r0, r1 = this.r1, r2 = this.r2, r3 = this.r3, r4 = this.r4;
    final long s1 = this.s1, s2 = this.s2, s3 = this.s3, s4 = this.s4;
    for (int end = offset + length; offset < end; offset += BLOCK) {
      long t0 = (long) LE_LONG.get(in, offset);
      long t1 = (long) LE_LONG.get(in, offset + 8);
      h0 += t0 & M26;
      h1 += (t0 >>> 26) & M26;
      h2 += ((t0 >>> 52) | (t1 << 12)) & M26;
      h3 += (t1 >>> 14) & M26;
      h4 += (t1 >>> 40) | hibit;

      long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
      long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
      long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
      long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
      long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;

      d1 += d0 >>> 26;
      h0 = d0 & M26;
      d2 += d1 >>> 26;
      h1 = d1 & M26;
      d3 += d2 >>> 26;
      h2 = d2 & M26;
      d4 += d3 >>> 26;
      h3 = d3 & M26;
      h0 += (d4 >>> 26) * 5;
      h4 = d4 & M26;
      h1 += h0 >>> 26;
      h0 &= M26;
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    this.h4 = h4;
  }

  /** Writes the 16-byte tag to {@code out[offset]}; call {@link #init} before the next use. */
  void finish(byte[] out, int offset) {
    if (partialLength > 0) {
      // The last partial block gets a 1 byte after it and no 2^128 bit.
      partial[partialLength] = 1;
      java.util.Arrays.fill(partial, partialLength + 1, BLOCK, (byte) 0);
      blocks(partial, 0, BLOCK, 0);
      partialLength = 0;
    }
    long h0 = this.h0, h1 = this.h1, h2 = this.h2, h3 = this.h3, h4 = this.h4;
    // Full carry, then h mod 2^130 - 5 by computing h - p and keeping it when it does not borrow.
    long c = h1 >>> 26;
    h1 &= M26;
    h2 += c;
    c = h2 >>> 26;
    h2 &= M26;
    h3 += c;
    c = h3 >>> 26;
    h3 &= M26;
    h4 += c;
    c = h4 >>> 26;
    h4 &= M26;
    h0 += c * 5;
    c = h0 >>> 26;
    h0 &= M26;
    h1 += c;

    long g0 = h0 + 5;
    c = g0 >>> 26;
    g0 &= M26;
    long g1 = h1 + c;
    c = g1 >>> 26;
    g1 &= M26;
    long g2 = h2 + c;
    c = g2 >>> 26;
    g2 &= M26;
    long g3 = h3 + c;
    c = g3 >>> 26;
    g3 &= M26;
    long g4 = h4 + c - (1L << 26);
    // g4 negative: h < p, keep h; otherwise keep g = h - p.
    long keepG = (g4 >>> 63) - 1; // all ones when g4 >= 0
    h0 = (h0 & ~keepG) | (g0 & keepG);
    h1 = (h1 & ~keepG) | (g1 & keepG);
    h2 = (h2 & ~keepG) | (g2 & keepG);
    h3 = (h3 & ~keepG) | (g3 & keepG);
    h4 = (h4 & ~keepG) | (g4 & keepG);

    // h mod 2^128 as four 32-bit words, plus the pad s with carries.
    long w0 = (h0 | (h1 << 26)) & 0xffffffffL;
    long w1 = ((h1 >>> 6) | (h2 << 20)) & 0xffffffffL;
    long w2 = ((h2 >>> 12) | (h3 << 14)) & 0xffffffffL;
    long w3 = ((h3 >>> 18) | (h4 << 8)) & 0xffffffffL;
    long f = w0 + (pad0 & 0xffffffffL);
    LE_INT.set(out, offset, (int) f);
    f = w1 + (pad1 & 0xffffffffL) + (f >>> 32);
    LE_INT.set(out, offset + 4, (int) f);
    f = w2 + (pad2 & 0xffffffffL) + (f >>> 32);
    LE_INT.set(out, offset + 8, (int) f);
    f = w3 + (pad3 & 0xffffffffL) + (f >>> 32);
    LE_INT.set(out, offset + 12, (int) f);
  }
}
