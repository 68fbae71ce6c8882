package io.hyphae.protocol.p2p.noise;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A differential fuzz target for our ChaCha20-Poly1305: on fuzzer-chosen key, nonce, associated
 * data and plaintext it must produce the JDK's bytes, open what it sealed, and refuse the message
 * with any one bit flipped. Driven by {@code io.hyphae.protocol.fuzz.ProtocolFuzzTest}.
 */
public final class CipherFuzzTargets {
  private CipherFuzzTargets() {}

  public static void aead(FuzzedDataProvider data) {
    byte[] key = Arrays.copyOf(data.consumeBytes(32), 32);
    long nonce = data.consumeLong();
    byte[] ad = data.consumeBytes(data.consumeInt(0, 80));
    int flip = data.consumeInt();
    byte[] plaintext = data.consumeRemainingAsBytes();
    int n = plaintext.length;

    byte[] sealed = Arrays.copyOf(plaintext, n + ChaCha20Poly1305.TAG);
    new ChaCha20Poly1305(key).seal(nonce, ad, sealed, 0, n);
    if (!Arrays.equals(sealed, jdkSeal(key, nonce, ad, plaintext))) {
      throw new AssertionError("sealed bytes differ from the JDK's for " + n + " bytes");
    }
    byte[] opened = sealed.clone();
    if (!new ChaCha20Poly1305(key).open(nonce, ad, opened, 0, n)
        || !Arrays.equals(Arrays.copyOf(opened, n), plaintext)) {
      throw new AssertionError("could not open what was sealed");
    }
    byte[] tampered = sealed.clone();
    tampered[Math.floorMod(flip, tampered.length)] ^= (byte) (1 << ((flip >>> 28) & 7));
    if (new ChaCha20Poly1305(key).open(nonce, ad, tampered, 0, n)) {
      throw new AssertionError("a tampered message was accepted");
    }
  }

  private static byte[] jdkSeal(byte[] key, long nonce, byte[] ad, byte[] plaintext) {
    byte[] iv = new byte[12];
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (nonce >>> (8 * i));
    }
    try {
      Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
      jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
      jdk.updateAAD(ad);
      return jdk.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
