package io.hyphae.protocol.p2p.noise;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A microbenchmark of the Noise transport cipher, not a test: MiB per second of this thread's CPU
 * time (so other processes on a shared machine distort it less than wall time would) for one
 * largest Noise message (65519 plaintext bytes), best of 7 rounds after a warm-up. Run after {@code
 * ./mvnw -pl protocol test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector \
 *   -cp protocol/target/test-classes:protocol/target/classes io.hyphae.protocol.p2p.noise.CipherSpeed
 * </pre>
 *
 * <p>Without {@code --add-modules} (or with {@code -Dhyphae.noise.simd=false}) the AEAD lines
 * measure the scalar Poly1305.
 */
public final class CipherSpeed {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int LENGTH = NoiseTransportHandler.MAX_PLAINTEXT;

  private interface Work {
    void run() throws GeneralSecurityException;
  }

  private CipherSpeed() {}

  public static void main(String[] args) throws GeneralSecurityException, InterruptedException {
    if (Poly1305Lanes.create().isPresent()) {
      // the default Poly1305 computes in scalar code until the vector code's warm-up is done
      long start = System.nanoTime();
      long deadline = start + 120_000_000_000L;
      while (!Poly1305Lanes.warm() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      System.out.printf(
          "vector Poly1305 warm-up: %s after %.2f s%n",
          Poly1305Lanes.warm() ? "done" : "NOT done", (System.nanoTime() - start) / 1e9);
    }
    byte[] key = new byte[32];
    byte[] data = new byte[LENGTH + Poly1305.TAG];
    Random random = new Random(1);
    random.nextBytes(key);
    random.nextBytes(data);
    SecretKeySpec spec = new SecretKeySpec(key, "ChaCha20");
    byte[] nonce = new byte[12];
    long[] counter = {0};

    Cipher chacha = Cipher.getInstance("ChaCha20");
    report(
        "JDK ChaCha20 (key stream + XOR)",
        () -> {
          nonce[4] = (byte) counter[0]++;
          chacha.init(Cipher.ENCRYPT_MODE, spec, new ChaCha20ParameterSpec(nonce, 1));
          chacha.update(data, 0, LENGTH, data, 0);
        });
    byte[] tag = new byte[Poly1305.TAG];
    Poly1305 scalar = new Poly1305(null);
    report(
        "our Poly1305, scalar",
        () -> {
          scalar.init(key, 0);
          scalar.update(data, 0, LENGTH);
          scalar.finish(tag, 0);
        });
    Poly1305 mac = new Poly1305();
    if (mac.vectorised()) {
      report(
          "our Poly1305, vector lanes",
          () -> {
            mac.init(key, 0);
            mac.update(data, 0, LENGTH);
            mac.finish(tag, 0);
          });
    } else {
      System.out.println(
          "(no vector Poly1305 in this JVM: run it with --add-modules "
              + Poly1305Lanes.MODULE
              + ")");
    }
    ChaCha20Poly1305 ours = new ChaCha20Poly1305(key);
    byte[] empty = new byte[0];
    report("our ChaCha20-Poly1305 seal", () -> ours.seal(counter[0]++, empty, data, 0, LENGTH));
    Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
    byte[] out = new byte[LENGTH + Poly1305.TAG];
    report(
        "JDK ChaCha20-Poly1305 seal",
        () -> {
          long n = counter[0]++;
          for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (8 * i));
          }
          jdk.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(nonce));
          jdk.doFinal(data, 0, LENGTH, out, 0);
        });
  }

  private static void report(String name, Work work) throws GeneralSecurityException {
    for (int i = 0; i < 3000; i++) {
      work.run();
    }
    double best = 0;
    for (int round = 0; round < 7; round++) {
      long start = THREADS.getCurrentThreadCpuTime();
      int n = 1000;
      for (int i = 0; i < n; i++) {
        work.run();
      }
      double seconds = (THREADS.getCurrentThreadCpuTime() - start) / 1e9;
      best = Math.max(best, (double) LENGTH * n / (1 << 20) / seconds);
    }
    System.out.printf("%-34s %7.1f MiB/s of CPU time%n", name, best);
  }
}
