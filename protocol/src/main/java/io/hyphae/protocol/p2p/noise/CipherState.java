package io.hyphae.protocol.p2p.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise CipherState: ChaCha20-Poly1305 with a 64-bit counter nonce (4 zero bytes, then the
 * counter little-endian). Uses the JDK cipher, which has vectorised intrinsics.
 */
final class CipherState {
  static final int TAG = 16;
  private final SecretKeySpec key;
  private final Cipher cipher;
  private long nonce;

  CipherState(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
    try {
      this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has ChaCha20-Poly1305 since Java 11", e);
    }
  }

  private IvParameterSpec iv() {
    if (nonce == -1L) {
      throw new IllegalStateException("Noise nonce exhausted");
    }
    byte[] n = new byte[12];
    long v = nonce++;
    for (int i = 0; i < 8; i++) {
      n[4 + i] = (byte) (v >>> (8 * i));
    }
    return new IvParameterSpec(n);
  }

  byte[] encrypt(byte[] ad, byte[] plaintext) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, iv());
      if (ad.length > 0) {
        cipher.updateAAD(ad);
      }
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  byte[] decrypt(byte[] ad, byte[] ciphertext) throws NoiseException {
    if (ciphertext.length < TAG) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "ciphertext shorter than its tag");
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, iv());
      if (ad.length > 0) {
        cipher.updateAAD(ad);
      }
      return cipher.doFinal(ciphertext);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new NoiseException(NoiseException.Reason.DECRYPT_FAILED, "Noise decryption failed", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }

  /** Encrypts {@code in} (no associated data) into {@code out}; returns bytes written. */
  int encrypt(ByteBuffer in, ByteBuffer out) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, iv());
      return cipher.doFinal(in, out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  /** Decrypts {@code in} (no associated data) into {@code out}; returns bytes written. */
  int decrypt(ByteBuffer in, ByteBuffer out) throws NoiseException {
    if (in.remaining() < TAG) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "ciphertext shorter than its tag");
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, iv());
      return cipher.doFinal(in, out);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new NoiseException(NoiseException.Reason.DECRYPT_FAILED, "Noise decryption failed", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }
}
