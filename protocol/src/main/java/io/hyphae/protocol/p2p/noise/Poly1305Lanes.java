package io.hyphae.protocol.p2p.noise;

import java.lang.reflect.Constructor;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Poly1305's block function run over four interleaved chains at once (SIMD), for long runs of whole
 * blocks: lane j absorbs blocks j, j + 4, j + 8, ... multiplying by r^4, and the lanes are joined
 * with r^4, r^3, r^2, r at the end. The scalar {@link Poly1305} keeps the partial blocks, short
 * inputs and the final reduction. Not thread-safe; one per {@link Poly1305}.
 *
 * <p>The implementation uses the incubating Vector API, so it is loaded only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}; every other JVM gets {@link #create()} = empty and
 * computes Poly1305 exactly as before (docs/p2p.md).
 */
interface Poly1305Lanes {
  /** Bytes per step: four 16-byte blocks. */
  int STEP = 64;

  /** The module the implementation needs in the boot layer. */
  String MODULE = "jdk.incubator.vector";

  /** Set to {@code false} to keep the scalar Poly1305 even where the Vector API is present. */
  String PROPERTY = "hyphae.noise.simd";

  /** Takes the clamped r of the current one-time key, in radix 2^64. */
  void key(long r0, long r1);

  /**
   * Absorbs the whole blocks {@code in[offset, offset + length)}, each with its 2^128 bit, into the
   * accumulator {@code h}; {@code length} is a positive multiple of {@link #STEP}. {@code h} holds
   * the accumulator in radix 2^64 ({@code h[0]}, {@code h[1]}, and the bits from 2^128 in {@code
   * h[2]}), below 2^131 on entry and on return.
   */
  void blocks(long[] h, byte[] in, int offset, int length);

  /** A new instance where the JVM has the Vector API and 256-bit vectors, else empty. */
  static Optional<Poly1305Lanes> create() {
    Constructor<?> constructor = Loader.CONSTRUCTOR;
    if (constructor == null) {
      return Optional.empty();
    }
    Warmup.start();
    return Optional.of(newInstance(constructor));
  }

  private static Poly1305Lanes newInstance(Constructor<?> constructor) {
    try {
      return (Poly1305Lanes) constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the vector Poly1305 could not be created", e);
    }
  }

  /**
   * Whether the warm-up has run the vector code long enough for C2 to compile it. Until then {@link
   * Poly1305} computes in scalar code: the Vector API interpreted or in C1 code is tens of times
   * slower than scalar Poly1305 (a fresh JVM took ~0.9 s longer for its first 4 MiB).
   */
  static boolean warm() {
    return Warmup.done;
  }

  /** Runs the vector code once per JVM on a daemon thread, off the event loops. */
  final class Warmup {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /** Bytes per warm-up call and calls: 12,800 calls of the vector loop, above C2's threshold. */
    private static final int BYTES = 64 << 10;

    private static final int ROUNDS = 400;
    static volatile boolean done;

    private Warmup() {}

    static void start() {
      if (!STARTED.compareAndSet(false, true)) {
        return;
      }
      Thread thread = new Thread(Warmup::run, "hyphae-poly1305-warmup");
      thread.setDaemon(true);
      thread.setPriority(Thread.MIN_PRIORITY);
      thread.start();
    }

    /** Absorbs random blocks under a random key; the results are checked by the tests, not here. */
    static void run() {
      Poly1305Lanes lanes = newInstance(Loader.CONSTRUCTOR);
      Random random = new Random();
      byte[] data = new byte[BYTES];
      random.nextBytes(data);
      long[] h = new long[3];
      for (int i = 0; i < ROUNDS; i++) {
        lanes.key(random.nextLong() & 0x0ffffffc0fffffffL, random.nextLong() & 0x0ffffffc0ffffffcL);
        lanes.blocks(h, data, 0, BYTES);
      }
      done = true;
    }
  }

  /** Whether {@link #create()} gives the vector implementation in this JVM. */
  static boolean available() {
    return Loader.CONSTRUCTOR != null;
  }

  /** Finds the implementation once, touching its class only when its module is present. */
  final class Loader {
    static final Constructor<?> CONSTRUCTOR = find(ModuleLayer.boot());

    private Loader() {}

    /**
     * The implementation's constructor, or null where {@code layer} lacks the Vector API, where the
     * CPU has no 256-bit vectors (the API would then run its slow Java fallback), on big-endian
     * machines, or where {@value #PROPERTY} is {@code false}.
     */
    static Constructor<?> find(ModuleLayer layer) {
      if (layer.findModule(MODULE).isEmpty()
          || !Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
          || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
        return null;
      }
      try {
        Class<?> type =
            Class.forName(
                Poly1305Lanes.class.getPackageName() + ".VectorPoly1305Lanes",
                true,
                Poly1305Lanes.class.getClassLoader());
        if (!(Boolean) type.getDeclaredMethod("supported").invoke(null)) {
          return null;
        }
        return type.getDeclaredConstructor();
      } catch (ReflectiveOperationException | LinkageError e) {
        // A JVM whose Vector API cannot load our class computes Poly1305 in scalar code, as
        // without the module.
        return null;
      }
    }
  }
}
