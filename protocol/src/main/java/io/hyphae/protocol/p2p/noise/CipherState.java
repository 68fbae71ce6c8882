package io.hyphae.protocol.p2p.noise;

import java.util.Arrays;

/**
 * A Noise CipherState: ChaCha20-Poly1305 ({@link ChaCha20Poly1305}) with a 64-bit counter nonce (4
 * zero bytes, then the counter little-endian), incremented once per message.
 */
final class CipherState {
  static final int TAG = ChaCha20Poly1305.TAG;
  private final ChaCha20Poly1305 aead;
  private long nonce;

  CipherState(byte[] key) {
    this.aead = new ChaCha20Poly1305(key);
  }

  private long nextNonce() {
    if (nonce == -1L) {
      // 2^64 - 1 is reserved by the Noise spec; a connection never gets near it.
      throw new IllegalStateException("Noise nonce exhausted");
    }
    return nonce++;
  }

  byte[] encrypt(byte[] ad, byte[] plaintext) {
    byte[] out = Arrays.copyOf(plaintext, plaintext.length + TAG);
    aead.seal(nextNonce(), ad, out, 0, plaintext.length);
    return out;
  }

  byte[] decrypt(byte[] ad, byte[] ciphertext) throws NoiseException {
    if (ciphertext.length < TAG) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "ciphertext shorter than its tag");
    }
    byte[] data = ciphertext.clone();
    int length = ciphertext.length - TAG;
    if (!aead.open(nextNonce(), ad, data, 0, length)) {
      throw new NoiseException(NoiseException.Reason.DECRYPT_FAILED, "Noise decryption failed");
    }
    return Arrays.copyOf(data, length);
  }

  /**
   * Encrypts {@code data[offset, offset + length)} in place (no associated data) and writes the tag
   * after it.
   */
  void encryptInPlace(byte[] data, int offset, int length) {
    aead.seal(nextNonce(), EMPTY, data, offset, length);
  }

  /**
   * Decrypts the message at {@code data[offset, offset + length)} (ciphertext then tag) in place.
   *
   * @return the plaintext length
   */
  int decryptInPlace(byte[] data, int offset, int length) throws NoiseException {
    if (length < TAG) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "ciphertext shorter than its tag");
    }
    if (!aead.open(nextNonce(), EMPTY, data, offset, length - TAG)) {
      throw new NoiseException(NoiseException.Reason.DECRYPT_FAILED, "Noise decryption failed");
    }
    return length - TAG;
  }

  private static final byte[] EMPTY = new byte[0];
}
