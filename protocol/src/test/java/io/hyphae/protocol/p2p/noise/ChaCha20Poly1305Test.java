package io.hyphae.protocol.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * Our AEAD and Poly1305 against RFC 8439's vectors and, on seeded random input, against the JDK's
 * ChaCha20-Poly1305 and Bouncy Castle's Poly1305.
 */
class ChaCha20Poly1305Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void poly1305MatchesRfc8439Vector() {
    // RFC 8439 section 2.5.2
    byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    byte[] message =
        "Cryptographic Forum Research Group".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Poly1305 mac = new Poly1305();
    mac.init(key, 0);
    mac.update(message, 0, message.length);
    byte[] tag = new byte[16];
    mac.finish(tag, 0);
    assertThat(HEX.formatHex(tag)).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
  }

  @Test
  void poly1305MatchesBouncyCastleOnRandomInput() {
    Random random = new Random(1305);
    Poly1305 ours = new Poly1305();
    org.bouncycastle.crypto.macs.Poly1305 theirs = new org.bouncycastle.crypto.macs.Poly1305();
    for (int i = 0; i < 2000; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      if (i % 7 == 0) {
        Arrays.fill(key, 0, 16, (byte) 0xff); // r at its clamped maximum, h near p
      }
      byte[] message = new byte[i < 1000 ? i % 200 : random.nextInt(5000)];
      random.nextBytes(message);
      if (i % 5 == 0) {
        Arrays.fill(message, (byte) 0xff);
      }
      ours.init(key, 0);
      // fed in uneven pieces, so partial blocks are carried across calls
      for (int at = 0; at < message.length; ) {
        int n = Math.min(message.length - at, 1 + random.nextInt(40));
        ours.update(message, at, n);
        at += n;
      }
      byte[] a = new byte[16];
      ours.finish(a, 0);
      theirs.init(new KeyParameter(key));
      theirs.update(message, 0, message.length);
      byte[] b = new byte[16];
      theirs.doFinal(b, 0);
      assertThat(a).as("message of %d bytes", message.length).isEqualTo(b);
    }
  }

  @Test
  void poly1305MatchesBouncyCastleWhereCarriesAndTheFinalReductionBite() {
    // r = 0, 1, its clamped maximum; pads 0 and all ones; blocks of 0x00, 0xff and 2^128 - 5
    // (so h lands on, just below and just above p = 2^130 - 5, and every carry chain runs).
    byte[][] rs = {new byte[16], rOf(1), fill(new byte[16], 0xff)};
    byte[][] pads = {new byte[16], fill(new byte[16], 0xff)};
    byte[] minus5 = fill(new byte[16], 0xff);
    minus5[0] = (byte) 0xfb;
    byte[][] blocks = {new byte[16], fill(new byte[16], 0xff), minus5};
    Poly1305 ours = new Poly1305();
    org.bouncycastle.crypto.macs.Poly1305 theirs = new org.bouncycastle.crypto.macs.Poly1305();
    for (byte[] r : rs) {
      for (byte[] pad : pads) {
        byte[] key = new byte[32];
        System.arraycopy(r, 0, key, 0, 16);
        System.arraycopy(pad, 0, key, 16, 16);
        for (byte[] block : blocks) {
          for (int length = 1; length <= 80; length++) {
            byte[] message = new byte[length];
            for (int i = 0; i < length; i++) {
              message[i] = block[i % 16];
            }
            ours.init(key, 0);
            ours.update(message, 0, length);
            byte[] a = new byte[16];
            ours.finish(a, 0);
            theirs.init(new KeyParameter(key));
            theirs.update(message, 0, length);
            byte[] b = new byte[16];
            theirs.doFinal(b, 0);
            assertThat(a).as("length %d", length).isEqualTo(b);
          }
        }
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
    byte[] plaintext = "hello noise".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
