package io.hyphae.protocol.p2p.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Poly1305 one-time authenticator (RFC 8439 section 2.5) in radix 2^64: h is two 64-bit limbs
 * plus a few bits above 2^128, r is two 64-bit limbs. Clamping leaves r's upper limb a multiple of
 * 4, so the parts of a product that pass 2^128 fold back exactly as 5/4 of that limb: four 64x64 to
 * 128-bit products per 16-byte block (plus two small ones), where 44-bit limbs need nine. The JDK's
 * own Poly1305 is vectorised only on CPUs with AVX-512 or AVX-IFMA; elsewhere its generic field
 * arithmetic was the slowest part of the Noise transport. Where the JVM has the Vector API, runs of
 * at least {@link #LANES_MIN} bytes go through {@link Poly1305Lanes} (four blocks at a time in SIMD
 * lanes) and the rest stays here. Not thread-safe; one instance per cipher.
 */
final class Poly1305 {
  static final int TAG = 16;
  private static final int BLOCK = 16;

  /**
   * The shortest run of whole blocks handed to the lanes, whose fixed costs (r^2 to r^4 once per
   * key, joining the lanes once per run) are worth a few scalar blocks each. Not tuned: the bulk
   * traffic is 65519-byte Noise messages, far above it; short control frames stay scalar.
   */
  static final int LANES_MIN = 256;

  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private long r0, r1, s1;
  private long h0, h1, h2;
  private long pad0, pad1;
  private final byte[] partial = new byte[BLOCK];
  private int partialLength;
  private final Poly1305Lanes lanes;
  private final boolean afterWarmup;
  private final long[] laneState;
  private boolean lanesKeyed;

  /**
   * Uses the vector lanes where this JVM has them ({@link Poly1305Lanes#create()}), once their
   * warm-up is done ({@link Poly1305Lanes#warm()}).
   */
  Poly1305() {
    this(Poly1305Lanes.create().orElse(null), true);
  }

  /** With {@code lanes} for long runs of blocks from the start, or scalar code alone when null. */
  Poly1305(Poly1305Lanes lanes) {
    this(lanes, false);
  }

  private Poly1305(Poly1305Lanes lanes, boolean afterWarmup) {
    this.lanes = lanes;
    this.afterWarmup = afterWarmup;
    this.laneState = lanes == null ? null : new long[3];
  }

  /** Whether long runs of blocks go through vector lanes. */
  boolean vectorised() {
    return lanes != null;
  }

  /** Starts a new tag with the 32-byte one-time key at {@code key[offset]}. */
  void init(byte[] key, int offset) {
    // r is clamped as the RFC says: top 4 bits of bytes 3, 7, 11, 15 and low 2 bits of bytes 4, 8,
    // 12 cleared. So r0, r1 < 2^60 and r1 is a multiple of 4.
    r0 = (long) LE_LONG.get(key, offset) & 0x0ffffffc0fffffffL;
    r1 = (long) LE_LONG.get(key, offset + 8) & 0x0ffffffc0ffffffcL;
    // r1 * 2^128 = (r1 / 4) * 2^130 = 5 * (r1 / 4) mod p
    s1 = r1 + (r1 >>> 2);
    h0 = h1 = h2 = 0;
    pad0 = (long) LE_LONG.get(key, offset + 16);
    pad1 = (long) LE_LONG.get(key, offset + 24);
    partialLength = 0;
    lanesKeyed = false;
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
      blocks(partial, 0, BLOCK, 1);
      partialLength = 0;
    }
    int whole = length & ~(BLOCK - 1);
    if (lanes != null && whole >= LANES_MIN && (!afterWarmup || Poly1305Lanes.warm())) {
      int wide = whole & ~(Poly1305Lanes.STEP - 1);
      laneBlocks(in, offset, wide);
      offset += wide;
      length -= wide;
      whole -= wide;
    }
    if (whole > 0) {
      blocks(in, offset, whole, 1);
    }
    if (whole < length) {
      partialLength = length - whole;
      System.arraycopy(in, offset + whole, partial, 0, partialLength);
    }
  }

  private void laneBlocks(byte[] in, int offset, int length) {
    if (!lanesKeyed) {
      lanes.key(r0, r1);
      lanesKeyed = true;
    }
    long[] state = laneState;
    state[0] = h0;
    state[1] = h1;
    state[2] = h2;
    lanes.blocks(state, in, offset, length);
    h0 = state[0];
    h1 = state[1];
    h2 = state[2];
  }

  /** Feeds zeros up to the next 16-byte boundary (the AEAD's padding). */
  void padToBlock() {
    if (partialLength > 0) {
      Arrays.fill(partial, partialLength, BLOCK, (byte) 0);
      blocks(partial, 0, BLOCK, 1);
      partialLength = 0;
    }
  }

  /**
   * The carry out of {@code sum = a + b} or {@code sum = a + b + 1} (unsigned), without a branch:
   * the majority of the top bits of a, b and the carry into bit 63.
   */
  private static long carry(long a, long b, long sum) {
    return ((a & b) | ((a | b) & ~sum)) >>> 63;
  }

  /**
   * h = (h + block) * r for each whole 16-byte block; {@code hibit} is 1 for a whole block (its
   * 2^128 bit) and 0 for the padded last one.
   */
  private void blocks(byte[] in, int offset, int length, long hibit) {
    long h0 = this.h0, h1 = this.h1, h2 = this.h2;
    final long r0 = this.r0, r1 = this.r1, s1 = this.s1;
    for (int end = offset + length; offset < end; offset += BLOCK) {
      long m0 = (long) LE_LONG.get(in, offset);
      long m1 = (long) LE_LONG.get(in, offset + 8);
      long t = h0 + m0;
      long c = carry(h0, m0, t);
      h0 = t;
      t = h1 + m1 + c;
      c = carry(h1, m1, t);
      h1 = t;
      h2 += c + hibit; // h2 <= 6 here: at most 4 after a block or the lanes, plus these two bits

      // d = h * r folded mod p (2^128 -> 5/4 through s1), each d_i a 128-bit (low, high) pair:
      // d0 = h0 r0 + h1 s1 < 2^126, d1 = h0 r1 + h1 r0 + h2 s1 < 2^125, d2 = h2 r0 < 2^63.
      long a = h0 * r0;
      long b = h1 * s1;
      long d0 = a + b;
      long d0High =
          Math.unsignedMultiplyHigh(h0, r0) + Math.unsignedMultiplyHigh(h1, s1) + carry(a, b, d0);
      a = h0 * r1;
      b = h1 * r0;
      long d1 = a + b;
      long d1High =
          Math.unsignedMultiplyHigh(h0, r1) + Math.unsignedMultiplyHigh(h1, r0) + carry(a, b, d1);
      a = h2 * s1;
      t = d1 + a;
      d1High += carry(d1, a, t);
      d1 = t;
      t = d1 + d0High;
      d1High += carry(d1, d0High, t);
      d1 = t;
      long d2 = h2 * r0 + d1High;

      // bits 130 and up fold back times 5 (2^130 = 5 mod p); h2 ends below 4 (plus a carry)
      c = (d2 >>> 2) * 5;
      h2 = d2 & 3;
      h0 = d0 + c;
      c = carry(d0, c, h0);
      h1 = d1 + c;
      h2 += carry(d1, c, h1);
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
      Arrays.fill(partial, partialLength + 1, BLOCK, (byte) 0);
      blocks(partial, 0, BLOCK, 0);
      partialLength = 0;
    }
    long h0 = this.h0, h1 = this.h1, h2 = this.h2;
    // One more fold leaves h < 2^130 + 5, so one conditional subtraction of p makes it canonical.
    long c = (h2 >>> 2) * 5;
    h2 &= 3;
    long t = h0 + c;
    c = carry(h0, c, t);
    h0 = t;
    t = h1 + c;
    c = carry(h1, c, t);
    h1 = t;
    h2 += c;
    // g = h + 5 - 2^130 = h - p; keep it when h + 5 reaches 2^130 (h >= p), without branching.
    long g0 = h0 + 5;
    c = carry(h0, 5, g0);
    long g1 = h1 + c;
    c = carry(h1, c, g1);
    long keepG = -(((h2 + c) >>> 2) & 1);
    h0 = (h0 & ~keepG) | (g0 & keepG);
    h1 = (h1 & ~keepG) | (g1 & keepG);

    // tag = (h + pad) mod 2^128
    t = h0 + pad0;
    c = carry(h0, pad0, t);
    LE_LONG.set(out, offset, t);
    LE_LONG.set(out, offset + 8, h1 + pad1 + c);
  }
}
