package io.hyphae.protocol.p2p.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Poly1305 one-time authenticator (RFC 8439 section 2.5) with h and r in three limbs of 44, 44
 * and 42 bits: nine 64x64-bit products per 16-byte block, each split at bit 44 so that sums never
 * overflow a long. The JDK's own Poly1305 is vectorised only on CPUs with AVX-512 or AVX-IFMA;
 * elsewhere its generic field arithmetic was the slowest part of the Noise transport (this loop is
 * about twice as fast). Not thread-safe; one instance per cipher.
 */
final class Poly1305 {
  static final int TAG = 16;
  private static final int BLOCK = 16;
  private static final long M44 = 0xfffffffffffL;
  private static final long M42 = 0x3ffffffffffL;
  private static final long HIBIT = 1L << 40; // 2^128 in the top limb
  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private long r0, r1, r2, s1, s2;
  private long h0, h1, h2;
  private long pad0, pad1;
  private final byte[] partial = new byte[BLOCK];
  private int partialLength;

  /** Starts a new tag with the 32-byte one-time key at {@code key[offset]}. */
  void init(byte[] key, int offset) {
    long t0 = (long) LE_LONG.get(key, offset);
    long t1 = (long) LE_LONG.get(key, offset + 8);
    // r is clamped as the RFC says (top 4 bits of bytes 3, 7, 11, 15 and low 2 bits of bytes 4, 8,
    // 12 cleared), then split into limbs.
    r0 = t0 & 0xffc0fffffffL;
    r1 = ((t0 >>> 44) | (t1 << 20)) & 0xfffffc0ffffL;
    r2 = (t1 >>> 24) & 0x00ffffffc0fL;
    // 2^130 = 5 mod p, and the limbs are 2^44 and 2^88 apart: products that pass 2^130 fold back
    // multiplied by 5 << 2.
    s1 = r1 * 20;
    s2 = r2 * 20;
    h0 = h1 = h2 = 0;
    pad0 = (long) LE_LONG.get(key, offset + 16);
    pad1 = (long) LE_LONG.get(key, offset + 24);
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
      blocks(partial, 0, BLOCK, HIBIT);
      partialLength = 0;
    }
    int whole = length & ~(BLOCK - 1);
    if (whole > 0) {
      blocks(in, offset, whole, HIBIT);
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
      blocks(partial, 0, BLOCK, HIBIT);
      partialLength = 0;
    }
  }

  /** h = (h + block) * r for each whole 16-byte block; {@code hibit} is 0 for a padded last one. */
  private void blocks(byte[] in, int offset, int length, long hibit) {
    long h0 = this.h0, h1 = this.h1, h2 = this.h2;
    final long r0 = this.r0, r1 = this.r1, r2 = this.r2, s1 = this.s1, s2 = this.s2;
    for (int end = offset + length; offset < end; offset += BLOCK) {
      long t0 = (long) LE_LONG.get(in, offset);
      long t1 = (long) LE_LONG.get(in, offset + 8);
      h0 += t0 & M44;
      h1 += ((t0 >>> 44) | (t1 << 20)) & M44;
      h2 += ((t1 >>> 24) & M42) | hibit;

      // d_i = h . r (schoolbook, folded mod p); each product kept as its low 44 bits plus the
      // rest, so three of them add up without a 128-bit type.
      long a = h0 * r0, b = h1 * s2, c = h2 * s1;
      long d0l = (a & M44) + (b & M44) + (c & M44);
      long d0h =
          ((a >>> 44) | (Math.multiplyHigh(h0, r0) << 20))
              + ((b >>> 44) | (Math.multiplyHigh(h1, s2) << 20))
              + ((c >>> 44) | (Math.multiplyHigh(h2, s1) << 20));
      a = h0 * r1;
      b = h1 * r0;
      c = h2 * s2;
      long d1l = (a & M44) + (b & M44) + (c & M44);
      long d1h =
          ((a >>> 44) | (Math.multiplyHigh(h0, r1) << 20))
              + ((b >>> 44) | (Math.multiplyHigh(h1, r0) << 20))
              + ((c >>> 44) | (Math.multiplyHigh(h2, s2) << 20));
      a = h0 * r2;
      b = h1 * r1;
      c = h2 * r0;
      long d2l = (a & M44) + (b & M44) + (c & M44);
      long d2h =
          ((a >>> 44) | (Math.multiplyHigh(h0, r2) << 20))
              + ((b >>> 44) | (Math.multiplyHigh(h1, r1) << 20))
              + ((c >>> 44) | (Math.multiplyHigh(h2, r0) << 20));

      // carry d0 -> d1 -> d2 -> (times 5) h0: h back to 44/44/42-bit limbs (h1 may keep a bit)
      h0 = d0l & M44;
      long carry = d0h + (d0l >>> 44);
      d1l += carry & M44;
      d1h += carry >>> 44;
      h1 = d1l & M44;
      carry = d1h + (d1l >>> 44);
      d2l += carry & M44;
      d2h += carry >>> 44;
      h2 = d2l & M42;
      carry = (d2h << 2) + (d2l >>> 42);
      h0 += carry * 5;
      h1 += h0 >>> 44;
      h0 &= M44;
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
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
    long h0 = this.h0, h1 = this.h1, h2 = this.h2;
    // Two full carry rounds leave h below 2^130 in 44/44/42-bit limbs.
    for (int round = 0; round < 2; round++) {
      long c = h1 >>> 44;
      h1 &= M44;
      h2 += c;
      c = h2 >>> 42;
      h2 &= M42;
      h0 += c * 5;
      c = h0 >>> 44;
      h0 &= M44;
      h1 += c;
    }
    // g = h + 5 - 2^130 = h - p; keep it when it does not borrow (h >= p), without branching.
    long g0 = h0 + 5;
    long c = g0 >>> 44;
    g0 &= M44;
    long g1 = h1 + c;
    c = g1 >>> 44;
    g1 &= M44;
    long g2 = h2 + c - (1L << 42);
    long keepG = (g2 >>> 63) - 1; // all ones when g2 >= 0
    h0 = (h0 & ~keepG) | (g0 & keepG);
    h1 = (h1 & ~keepG) | (g1 & keepG);
    h2 = (h2 & ~keepG) | (g2 & keepG);

    // tag = (h + pad) mod 2^128
    h0 += pad0 & M44;
    c = h0 >>> 44;
    h0 &= M44;
    h1 += (((pad0 >>> 44) | (pad1 << 20)) & M44) + c;
    c = h1 >>> 44;
    h1 &= M44;
    h2 += ((pad1 >>> 24) & M42) + c;
    h2 &= M42;
    LE_LONG.set(out, offset, h0 | (h1 << 44));
    LE_LONG.set(out, offset + 8, (h1 >>> 20) | (h2 << 24));
  }
}
