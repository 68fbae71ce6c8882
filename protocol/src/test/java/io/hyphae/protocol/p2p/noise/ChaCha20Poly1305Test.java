package io.hyphae.protocol.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our AEAD and Poly1305 (scalar, and with the vector lanes) against RFC 8439's vectors and, on
 * seeded random input, against the JDK's ChaCha20-Poly1305 and Bouncy Castle's Poly1305.
 */
class ChaCha20Poly1305Test {
  private static final HexFormat HEX = HexFormat.of();

  /** Both Poly1305 implementations: every Poly1305 test runs on each. */
  static Stream<Arguments> implementations() {
    return Stream.of(
        Arguments.of(Named.of("scalar", (Supplier<Poly1305>) () -> new Poly1305(null))),
        Arguments.of(
            Named.of(
                "vector lanes",
                (Supplier<Poly1305>) () -> new Poly1305(new VectorPoly1305Lanes()))));
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void poly1305MatchesRfc8439Vectors(Supplier<Poly1305> implementation) {
    Poly1305 mac = implementation.get();
    // RFC 8439 section 2.5.2
    assertThat(
            tag(
                mac,
                "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
                "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    // RFC 8439 appendix A.3, test vectors 2 and 3: 375 bytes, long enough for the lanes
    byte[] ietf = IETF_TEXT.getBytes(StandardCharsets.US_ASCII);
    assertThat(ietf).hasSize(375);
    assertThat(
            tag(mac, "00000000000000000000000000000000" + "36e5f6b5c5e06070f0efca96227a863e", ietf))
        .isEqualTo("36e5f6b5c5e06070f0efca96227a863e");
    assertThat(
            tag(mac, "36e5f6b5c5e06070f0efca96227a863e" + "00000000000000000000000000000000", ietf))
        .isEqualTo("f3477e7cd95417af89a6b8794c310cf0");
  }

  private static final String IETF_TEXT =
      "Any submission to the IETF intended by the Contributor for publication as all or part of"
          + " an IETF Internet-Draft or RFC and any statement made within the context of an IETF"
          + " activity is considered an \"IETF Contribution\". Such statements include oral"
          + " statements in IETF sessions, as well as written and electronic communications made"
          + " at any time or place, which are addressed to";

  private static String tag(Poly1305 mac, String keyHex, byte[] message) {
    mac.init(HEX.parseHex(keyHex), 0);
    mac.update(message, 0, message.length);
    byte[] tag = new byte[16];
    mac.finish(tag, 0);
    return HEX.formatHex(tag);
  }

  private static byte[] bouncyCastleTag(byte[] key, byte[] message) {
    org.bouncycastle.crypto.macs.Poly1305 theirs = new org.bouncycastle.crypto.macs.Poly1305();
    theirs.init(new KeyParameter(key));
    theirs.update(message, 0, message.length);
    byte[] tag = new byte[16];
    theirs.doFinal(tag, 0);
    return tag;
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void poly1305MatchesBouncyCastleOnEveryLengthUpTo400(Supplier<Poly1305> implementation) {
    Random random = new Random(400);
    Poly1305 ours = implementation.get();
    for (int length = 0; length <= 400; length++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      byte[] message = new byte[length];
      random.nextBytes(message);
      byte[] expected = bouncyCastleTag(key, message);
      ours.init(key, 0);
      ours.update(message, 0, length);
      byte[] whole = new byte[16];
      ours.finish(whole, 0);
      assertThat(whole).as("length %d in one piece", length).isEqualTo(expected);
      // and in two pieces, so the lanes start after a carried partial block
      int cut = length == 0 ? 0 : random.nextInt(length);
      ours.init(key, 0);
      ours.update(message, 0, cut);
      ours.update(message, cut, length - cut);
      byte[] split = new byte[16];
      ours.finish(split, 0);
      assertThat(split).as("length %d cut at %d", length, cut).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void poly1305MatchesBouncyCastleOnRandomInput(Supplier<Poly1305> implementation) {
    Random random = new Random(1305);
    Poly1305 ours = implementation.get();
    for (int i = 0; i < 2000; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      if (i % 7 == 0) {
        Arrays.fill(key, 0, 16, (byte) 0xff); // r at its clamped maximum, h near p
      }
      int length =
          i < 1000 ? i % 200 : i % 100 == 0 ? 65519 + random.nextInt(18) : random.nextInt(5000);
      byte[] message = new byte[length];
      random.nextBytes(message);
      if (i % 5 == 0) {
        Arrays.fill(message, (byte) 0xff);
      }
      ours.init(key, 0);
      // fed in uneven pieces, so partial blocks are carried across calls; every other message in
      // pieces long enough for the lanes
      int piece = i % 2 == 0 ? 40 : 1500;
      for (int at = 0; at < message.length; ) {
        int n = Math.min(message.length - at, 1 + random.nextInt(piece));
        ours.update(message, at, n);
        at += n;
      }
      byte[] a = new byte[16];
      ours.finish(a, 0);
      assertThat(a)
          .as("message of %d bytes", message.length)
          .isEqualTo(bouncyCastleTag(key, message));
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void poly1305MatchesBouncyCastleWhereCarriesAndTheFinalReductionBite(
      Supplier<Poly1305> implementation) {
    // r = 0, 1, its clamped maximum; pads 0 and all ones; blocks of 0x00, 0xff and 2^128 - 5
    // (so h lands on, just below and just above p = 2^130 - 5, and every carry chain runs), in
    // messages short (scalar only) and long (through the lanes where there are any).
    byte[][] rs = {new byte[16], rOf(1), fill(new byte[16], 0xff)};
    byte[][] pads = {new byte[16], fill(new byte[16], 0xff)};
    byte[] minus5 = fill(new byte[16], 0xff);
    minus5[0] = (byte) 0xfb;
    byte[][] blocks = {new byte[16], fill(new byte[16], 0xff), minus5};
    int[] longLengths = {255, 256, 257, 271, 319, 320, 336, 1000, 4113, 65519};
    Poly1305 ours = implementation.get();
    for (byte[] r : rs) {
      for (byte[] pad : pads) {
        byte[] key = new byte[32];
        System.arraycopy(r, 0, key, 0, 16);
        System.arraycopy(pad, 0, key, 16, 16);
        for (byte[] block : blocks) {
          for (int i = 1; i <= 80 + longLengths.length; i++) {
            int length = i <= 80 ? i : longLengths[i - 81];
            byte[] message = new byte[length];
            for (int b = 0; b < length; b++) {
              message[b] = block[b % 16];
            }
            ours.init(key, 0);
            ours.update(message, 0, length);
            byte[] a = new byte[16];
            ours.finish(a, 0);
            assertThat(a).as("length %d", length).isEqualTo(bouncyCastleTag(key, message));
          }
        }
      }
    }
  }

  @Test
  void theDefaultPoly1305SwitchesToTheLanesAfterTheWarmupWithTheSameTags() throws Exception {
    byte[] key = new byte[32];
    new Random(25519).nextBytes(key);
    byte[] plaintext = new byte[65519];
    new Random(65519).nextBytes(plaintext);
    Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
    jdk.init(
        Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(new byte[12]));
    byte[] expected = jdk.doFinal(plaintext);

    ChaCha20Poly1305 cold = new ChaCha20Poly1305(key); // starts the warm-up in this JVM
    byte[] data = Arrays.copyOf(plaintext, plaintext.length + 16);
    cold.seal(0, new byte[0], data, 0, plaintext.length);
    assertThat(data).isEqualTo(expected);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Poly1305Lanes.warm() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Poly1305Lanes.warm()).as("warm-up done within 120 s").isTrue();
    data = Arrays.copyOf(plaintext, plaintext.length + 16);
    new ChaCha20Poly1305(key).seal(0, new byte[0], data, 0, plaintext.length);
    assertThat(data).isEqualTo(expected);
    assertThat(new ChaCha20Poly1305(key).open(0, new byte[0], data, 0, plaintext.length)).isTrue();
  }

  @Test
  void theVectorLanesAreChosenOnlyWhereTheModuleIsPresent() {
    // The test JVMs run with --add-modules jdk.incubator.vector (protocol/pom.xml).
    assertThat(ModuleLayer.boot().findModule(Poly1305Lanes.MODULE)).isPresent();
    assertThat(Poly1305Lanes.Loader.find(ModuleLayer.boot())).isNotNull();
    // A JVM without the module, or with the switch off, gets the scalar code alone.
    assertThat(Poly1305Lanes.Loader.find(ModuleLayer.empty())).isNull();
    String before = System.getProperty(Poly1305Lanes.PROPERTY);
    System.setProperty(Poly1305Lanes.PROPERTY, "false");
    try {
      assertThat(Poly1305Lanes.Loader.find(ModuleLayer.boot())).isNull();
    } finally {
      if (before == null) {
        System.clearProperty(Poly1305Lanes.PROPERTY);
      } else {
        System.setProperty(Poly1305Lanes.PROPERTY, before);
      }
    }
  }

  private static byte[] rOf(int value) {
    byte[] r = new byte[16];
    r[0] = (byte) value;
    return r;
  }

  private static byte[] fill(byte[] bytes, int value) {
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  @Test
  void aeadMatchesTheJdkAndRoundTrips() throws Exception {
    Random random = new Random(8439);
    Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
    for (int i = 0; i < 400; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      long nonce = i < 200 ? i : random.nextLong();
      byte[] ad = new byte[i % 3 == 0 ? 0 : random.nextInt(70)];
      random.nextBytes(ad);
      int length = i == 0 ? 65519 : i % 50 == 0 ? 0 : random.nextInt(3000);
      byte[] plaintext = new byte[length];
      random.nextBytes(plaintext);

      byte[] data = Arrays.copyOf(plaintext, length + 16);
      new ChaCha20Poly1305(key).seal(nonce, ad, data, 0, length);

      byte[] iv = new byte[12];
      for (int b = 0; b < 8; b++) {
        iv[4 + b] = (byte) (nonce >>> (8 * b));
      }
      jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
      jdk.updateAAD(ad);
      assertThat(data).as("length %d, ad %d", length, ad.length).isEqualTo(jdk.doFinal(plaintext));

      assertThat(new ChaCha20Poly1305(key).open(nonce, ad, data, 0, length)).isTrue();
      assertThat(Arrays.copyOf(data, length)).isEqualTo(plaintext);
    }
  }

  @Test
  void openRefusesATamperedMessageAndLeavesItEncrypted() {
    byte[] key = new byte[32];
    byte[] plaintext = "hello noise".getBytes(StandardCharsets.US_ASCII);
    byte[] data = Arrays.copyOf(plaintext, plaintext.length + 16);
    new ChaCha20Poly1305(key).seal(7, new byte[0], data, 0, plaintext.length);
    for (int i = 0; i < data.length; i++) {
      byte[] bad = data.clone();
      bad[i] ^= 1;
      assertThat(new ChaCha20Poly1305(key).open(7, new byte[0], bad, 0, plaintext.length))
          .isFalse();
      bad[i] ^= 1;
      assertThat(bad).isEqualTo(data);
    }
    assertThat(new ChaCha20Poly1305(key).open(8, new byte[0], data.clone(), 0, plaintext.length))
        .as("wrong nonce")
        .isFalse();
  }
}
