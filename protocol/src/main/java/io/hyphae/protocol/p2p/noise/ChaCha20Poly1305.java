package io.hyphae.protocol.p2p.noise;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ChaCha20-Poly1305 AEAD of RFC 8439, in place on byte arrays: the JDK's ChaCha20 (which has a
 * vectorised intrinsic on x86 and ARM) for the key stream and our {@link Poly1305} for the tag. The
 * JDK's combined "ChaCha20-Poly1305" produces the same bytes but its Poly1305 is generic field
 * arithmetic unless the CPU has AVX-512, which made it the bottleneck of the transport. Not
 * thread-safe; one instance per direction.
 */
final class ChaCha20Poly1305 {
  static final int TAG = Poly1305.TAG;
  private static final byte[] ZEROS = new byte[64];

  private final SecretKeySpec key;
  private final Cipher chacha;
  private final Poly1305 mac = new Poly1305();
  private final byte[] nonceBytes = new byte[12];
  private final byte[] block0 = new byte[64];
  private final byte[] lengths = new byte[16];
  private final byte[] tag = new byte[TAG];

  ChaCha20Poly1305(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
    try {
      this.chacha = Cipher.getInstance("ChaCha20");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has ChaCha20 since Java 11", e);
    }
  }

  /**
   * Encrypts {@code data[offset, offset + length)} in place and writes the 16-byte tag right after
   * it.
   */
  void seal(long nonce, byte[] ad, byte[] data, int offset, int length) {
    start(nonce, Cipher.ENCRYPT_MODE);
    xor(data, offset, length);
    authenticate(ad, data, offset, length);
    mac.finish(data, offset + length);
  }

  /**
   * Checks the tag at {@code data[offset + length]} over the ciphertext {@code data[offset, offset
   * + length)}, then decrypts it in place. On a bad tag nothing is decrypted.
   *
   * @return false when the tag does not match
   */
  boolean open(long nonce, byte[] ad, byte[] data, int offset, int length) {
    start(nonce, Cipher.DECRYPT_MODE);
    authenticate(ad, data, offset, length);
    mac.finish(tag, 0);
    int diff = 0; // every byte compared, whatever the first difference: no timing leak
    for (int i = 0; i < TAG; i++) {
      diff |= tag[i] ^ data[offset + length + i];
    }
    if (diff != 0) {
      return false;
    }
    xor(data, offset, length);
    return true;
  }

  /** Keys the stream cipher for this nonce at block 0, whose first 32 bytes key Poly1305. */
  private void start(long nonce, int mode) {
    for (int i = 0; i < 8; i++) {
      nonceBytes[4 + i] = (byte) (nonce >>> (8 * i));
    }
    try {
      chacha.init(mode, key, new ChaCha20ParameterSpec(nonceBytes, 0));
      // Block 0 makes the one-time Poly1305 key; the payload's key stream continues at block 1.
      chacha.update(ZEROS, 0, 64, block0, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20 refused its key or nonce", e);
    }
    mac.init(block0, 0);
  }

  private void xor(byte[] data, int offset, int length) {
    if (length == 0) {
      return;
    }
    try {
      chacha.update(data, offset, length, data, offset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20 failed", e);
    }
  }

  /** Poly1305 over ad, padding, ciphertext, padding, and both lengths (RFC 8439 2.8). */
  private void authenticate(byte[] ad, byte[] data, int offset, int length) {
    mac.update(ad, 0, ad.length);
    mac.padToBlock();
    mac.update(data, offset, length);
    mac.padToBlock();
    long adLength = ad.length;
    long dataLength = length;
    for (int i = 0; i < 8; i++) {
      lengths[i] = (byte) (adLength >>> (8 * i));
      lengths[8 + i] = (byte) (dataLength >>> (8 * i));
    }
    mac.update(lengths, 0, 16);
  }
}
