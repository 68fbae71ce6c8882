package io.hyphae.protocol.p2p.noise;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Poly1305Lanes} on the Vector API: four lanes of 64 bits (one 256-bit AVX2 register per
 * limb), numbers in radix 2^26 (five limbs), the classic AVX2 layout. Each product of two limbs is
 * below 2^32 x 2^32, so every multiplication masks both operands to 32 bits: C2 (JDK 24 and later)
 * then emits one VPMULUDQ for it, where an unmasked 64-bit lane multiply costs three of them plus
 * shifts on CPUs without AVX-512. Loaded only through {@link Poly1305Lanes#create()}.
 */
final class VectorPoly1305Lanes implements Poly1305Lanes {
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_256;
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_256;
  private static final long M = 0x3ffffff;
  private static final long LOW32 = 0xffffffffL;
  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Bytes per call of {@link #absorb}: 32 steps. */
  static final int CHUNK = 2048;

  /** Swaps the two 64-bit halves of each 16-byte block. */
  private static final VectorShuffle<Long> HALVES = VectorShuffle.fromValues(LONGS, 1, 0, 3, 2);

  private static final VectorMask<Long> ODD =
      VectorMask.fromValues(LONGS, false, true, false, true);

  /** r^4 in five limbs at [0, 5), then 5 times limbs 1 to 4 at [5, 9) (2^130 = 5 mod p). */
  private final long[] quad = new long[9];

  /**
   * The per-lane multipliers that join the lanes: limb k of lane j at [4 k + j], then five times
   * each for limbs 1 to 4 at [20 + 4 (k - 1) + j]. Loads put blocks 0, 2, 1, 3 of a step in lanes 0
   * to 3, so the lanes take r^4, r^2, r^3, r.
   */
  private final long[] join = new long[36];

  /**
   * The accumulators between {@link #absorb} and {@link #joinLanes}: limb k of lane j at [4 k + j].
   */
  private final long[] lanes = new long[20];

  /** Whether this JVM runs 256-bit long vectors in hardware (else the API would emulate them). */
  static boolean supported() {
    return LongVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  @Override
  public void key(long r0, long r1) {
    long[] r1p = {
      r0 & M, (r0 >>> 26) & M, ((r0 >>> 52) | (r1 << 12)) & M, (r1 >>> 14) & M, r1 >>> 40
    };
    long[] r2p = multiply(r1p, r1p);
    long[] r3p = multiply(r2p, r1p);
    long[] r4p = multiply(r2p, r2p);
    for (int k = 0; k < 5; k++) {
      quad[k] = r4p[k];
      long[] lanes = {r4p[k], r2p[k], r3p[k], r1p[k]};
      for (int j = 0; j < 4; j++) {
        join[4 * k + j] = lanes[j];
        if (k > 0) {
          join[20 + 4 * (k - 1) + j] = 5 * lanes[j];
        }
      }
    }
    for (int k = 1; k < 5; k++) {
      quad[4 + k] = 5 * r4p[k];
    }
  }

  /** a x b mod p in radix 2^26, limbs carried to 26 bits (limb 1 may exceed 2^26 by a little). */
  private static long[] multiply(long[] a, long[] b) {
    long b5x1 = 5 * b[1], b5x2 = 5 * b[2], b5x3 = 5 * b[3], b5x4 = 5 * b[4];
    long d0 = a[0] * b[0] + a[1] * b5x4 + a[2] * b5x3 + a[3] * b5x2 + a[4] * b5x1;
    long d1 = a[0] * b[1] + a[1] * b[0] + a[2] * b5x4 + a[3] * b5x3 + a[4] * b5x2;
    long d2 = a[0] * b[2] + a[1] * b[1] + a[2] * b[0] + a[3] * b5x4 + a[4] * b5x3;
    long d3 = a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0] + a[4] * b5x4;
    long d4 = a[0] * b[4] + a[1] * b[3] + a[2] * b[2] + a[3] * b[1] + a[4] * b[0];
    d1 += d0 >>> 26;
    d0 &= M;
    d2 += d1 >>> 26;
    d1 &= M;
    d3 += d2 >>> 26;
    d2 &= M;
    d4 += d3 >>> 26;
    d3 &= M;
    d0 += 5 * (d4 >>> 26);
    d4 &= M;
    d1 += d0 >>> 26;
    d0 &= M;
    return new long[] {d0, d1, d2, d3, d4};
  }

  @Override
  public void blocks(long[] h, byte[] in, int offset, int length) {
    // h enters lane 0 in radix 2^26; it is added to the first block, as the scalar code would.
    long h0 = h[0], h1 = h[1], h2 = h[2];
    long[] lanes = this.lanes;
    Arrays.fill(lanes, 0);
    lanes[0] = h0 & M;
    lanes[4] = (h0 >>> 26) & M;
    lanes[8] = ((h0 >>> 52) | (h1 << 12)) & M;
    lanes[12] = (h1 >>> 14) & M;
    lanes[16] = (h1 >>> 40) | (h2 << 24);
    // First step, a += m: lanes 0 to 3 take blocks 0, 2, 1, 3 (the order absorb's loads give).
    for (int j = 0; j < 4; j++) {
      int at = offset + 16 * ((j & 1) * 2 + (j >>> 1));
      long lo = (long) LE_LONG.get(in, at);
      long hi = (long) LE_LONG.get(in, at + 8);
      lanes[j] += lo & M;
      lanes[4 + j] += (lo >>> 26) & M;
      lanes[8 + j] += ((lo >>> 52) | (hi << 12)) & M;
      lanes[12 + j] += (hi >>> 14) & M;
      lanes[16 + j] += (hi >>> 40) | (1L << 24);
    }
    int end = offset + length;
    for (int at = offset + STEP; at < end; at += CHUNK) {
      absorb(lanes, quad, in, at, Math.min(CHUNK, end - at));
    }
    joinLanes(lanes, join, h);
  }

  /**
   * The lanes (limb k of lane j at {@code lanes[4 k + j]}) absorb {@code in[offset, offset +
   * length)}: a = a r^4 + m per 64-byte step. A small method with vectors only in locals, so that
   * C2 inlines every Vector API call in it, called per {@link #CHUNK} so that C2 compiles it as a
   * whole method rather than on-stack-replacing a long-running loop: on JDK 25 such OSR code ran at
   * ~70% of the speed in about half of the JVMs.
   */
  private static void absorb(long[] lanes, long[] quad, byte[] in, int offset, int length) {
    LongVector a0 = LongVector.fromArray(LONGS, lanes, 0);
    LongVector a1 = LongVector.fromArray(LONGS, lanes, 4);
    LongVector a2 = LongVector.fromArray(LONGS, lanes, 8);
    LongVector a3 = LongVector.fromArray(LONGS, lanes, 12);
    LongVector a4 = LongVector.fromArray(LONGS, lanes, 16);

    LongVector r0 = LongVector.broadcast(LONGS, quad[0]).and(LOW32);
    LongVector r1 = LongVector.broadcast(LONGS, quad[1]).and(LOW32);
    LongVector r2 = LongVector.broadcast(LONGS, quad[2]).and(LOW32);
    LongVector r3 = LongVector.broadcast(LONGS, quad[3]).and(LOW32);
    LongVector r4 = LongVector.broadcast(LONGS, quad[4]).and(LOW32);
    LongVector s1 = LongVector.broadcast(LONGS, quad[5]).and(LOW32);
    LongVector s2 = LongVector.broadcast(LONGS, quad[6]).and(LOW32);
    LongVector s3 = LongVector.broadcast(LONGS, quad[7]).and(LOW32);
    LongVector s4 = LongVector.broadcast(LONGS, quad[8]).and(LOW32);

    int end = offset + length;
    for (; offset < end; offset += STEP) {
      // a = a r^4 + m, lane by lane
      LongVector x0 = a0.and(LOW32);
      LongVector x1 = a1.and(LOW32);
      LongVector x2 = a2.and(LOW32);
      LongVector x3 = a3.and(LOW32);
      LongVector x4 = a4.and(LOW32);
      LongVector v0 = ByteVector.fromArray(BYTES, in, offset).reinterpretAsLongs();
      LongVector v1 = ByteVector.fromArray(BYTES, in, offset + 32).reinterpretAsLongs();
      LongVector lo = v0.blend(v1.rearrange(HALVES), ODD);
      LongVector hi = v0.rearrange(HALVES).blend(v1, ODD);
      LongVector d0 =
          x0.mul(r0).add(x1.mul(s4)).add(x2.mul(s3)).add(x3.mul(s2)).add(x4.mul(s1)).add(lo.and(M));
      LongVector d1 =
          x0.mul(r1)
              .add(x1.mul(r0))
              .add(x2.mul(s4))
              .add(x3.mul(s3))
              .add(x4.mul(s2))
              .add(lo.lanewise(LSHR, 26).and(M));
      LongVector d2 =
          x0.mul(r2)
              .add(x1.mul(r1))
              .add(x2.mul(r0))
              .add(x3.mul(s4))
              .add(x4.mul(s3))
              .add(lo.lanewise(LSHR, 52).or(hi.lanewise(LSHL, 12)).and(M));
      LongVector d3 =
          x0.mul(r3)
              .add(x1.mul(r2))
              .add(x2.mul(r1))
              .add(x3.mul(r0))
              .add(x4.mul(s4))
              .add(hi.lanewise(LSHR, 14).and(M));
      LongVector d4 =
          x0.mul(r4)
              .add(x1.mul(r3))
              .add(x2.mul(r2))
              .add(x3.mul(r1))
              .add(x4.mul(r0))
              .add(hi.lanewise(LSHR, 40).or(1L << 24));
      // carries: each d below 2^58; afterwards every limb is below 2^26 + 2^9
      LongVector c = d0.lanewise(LSHR, 26);
      d0 = d0.and(M);
      d1 = d1.add(c);
      c = d3.lanewise(LSHR, 26);
      d3 = d3.and(M);
      d4 = d4.add(c);
      c = d1.lanewise(LSHR, 26);
      a1 = d1.and(M);
      d2 = d2.add(c);
      c = d4.lanewise(LSHR, 26);
      a4 = d4.and(M);
      d0 = d0.add(c).add(c.lanewise(LSHL, 2));
      c = d2.lanewise(LSHR, 26);
      a2 = d2.and(M);
      d3 = d3.add(c);
      c = d0.lanewise(LSHR, 26);
      a0 = d0.and(M);
      a1 = a1.add(c);
      c = d3.lanewise(LSHR, 26);
      a3 = d3.and(M);
      a4 = a4.add(c);
    }
    a0.intoArray(lanes, 0);
    a1.intoArray(lanes, 4);
    a2.intoArray(lanes, 8);
    a3.intoArray(lanes, 12);
    a4.intoArray(lanes, 16);
  }

  /** h = the sum of lane j times its power of r (see {@link #join}), in radix 2^64. */
  private static void joinLanes(long[] lanes, long[] join, long[] h) {
    LongVector x0 = LongVector.fromArray(LONGS, lanes, 0).and(LOW32);
    LongVector x1 = LongVector.fromArray(LONGS, lanes, 4).and(LOW32);
    LongVector x2 = LongVector.fromArray(LONGS, lanes, 8).and(LOW32);
    LongVector x3 = LongVector.fromArray(LONGS, lanes, 12).and(LOW32);
    LongVector x4 = LongVector.fromArray(LONGS, lanes, 16).and(LOW32);
    LongVector r0 = LongVector.fromArray(LONGS, join, 0).and(LOW32);
    LongVector r1 = LongVector.fromArray(LONGS, join, 4).and(LOW32);
    LongVector r2 = LongVector.fromArray(LONGS, join, 8).and(LOW32);
    LongVector r3 = LongVector.fromArray(LONGS, join, 12).and(LOW32);
    LongVector r4 = LongVector.fromArray(LONGS, join, 16).and(LOW32);
    LongVector s1 = LongVector.fromArray(LONGS, join, 20).and(LOW32);
    LongVector s2 = LongVector.fromArray(LONGS, join, 24).and(LOW32);
    LongVector s3 = LongVector.fromArray(LONGS, join, 28).and(LOW32);
    LongVector s4 = LongVector.fromArray(LONGS, join, 32).and(LOW32);
    // each lane's d below 2^58, so the sum of four stays below 2^60
    long t0 =
        x0.mul(r0).add(x1.mul(s4)).add(x2.mul(s3)).add(x3.mul(s2)).add(x4.mul(s1)).reduceLanes(ADD);
    long t1 =
        x0.mul(r1).add(x1.mul(r0)).add(x2.mul(s4)).add(x3.mul(s3)).add(x4.mul(s2)).reduceLanes(ADD);
    long t2 =
        x0.mul(r2).add(x1.mul(r1)).add(x2.mul(r0)).add(x3.mul(s4)).add(x4.mul(s3)).reduceLanes(ADD);
    long t3 =
        x0.mul(r3).add(x1.mul(r2)).add(x2.mul(r1)).add(x3.mul(r0)).add(x4.mul(s4)).reduceLanes(ADD);
    long t4 =
        x0.mul(r4).add(x1.mul(r3)).add(x2.mul(r2)).add(x3.mul(r1)).add(x4.mul(r0)).reduceLanes(ADD);

    // Carry to 26-bit limbs, fold 2^130, carry once more so limbs 0 to 3 are exact 26-bit digits;
    // limb 4 then holds at most 27 bits, so h stays below 2^131.
    t1 += t0 >>> 26;
    t0 &= M;
    t2 += t1 >>> 26;
    t1 &= M;
    t3 += t2 >>> 26;
    t2 &= M;
    t4 += t3 >>> 26;
    t3 &= M;
    t0 += 5 * (t4 >>> 26);
    t4 &= M;
    t1 += t0 >>> 26;
    t0 &= M;
    t2 += t1 >>> 26;
    t1 &= M;
    t3 += t2 >>> 26;
    t2 &= M;
    t4 += t3 >>> 26;
    t3 &= M;
    h[0] = t0 | (t1 << 26) | (t2 << 52);
    h[1] = (t2 >>> 12) | (t3 << 14) | (t4 << 40);
    h[2] = t4 >>> 24;
  }
}
