package io.hyphae.protocol.commitment;

import org.bouncycastle.crypto.digests.KeccakDigest;

/** Ethereum's keccak256 (original Keccak padding, not NIST SHA3-256). */
public final class Keccak256 {
  private final KeccakDigest digest = new KeccakDigest(256);

  /** An incremental hasher; not thread-safe. */
  public static Keccak256 newHasher() {
    return new Keccak256();
  }

  public Keccak256 update(byte[] data) {
    digest.update(data, 0, data.length);
    return this;
  }

  public Keccak256 update(byte[] data, int offset, int length) {
    digest.update(data, offset, length);
    return this;
  }

  public Bytes32 digest() {
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return Bytes32.wrap(out);
  }

  /** keccak256 of the concatenation of the parts. */
  public static Bytes32 hash(byte[]... parts) {
    Keccak256 hasher = new Keccak256();
    for (byte[] part : parts) {
      hasher.update(part);
    }
    return hasher.digest();
  }

  private Keccak256() {}
}
