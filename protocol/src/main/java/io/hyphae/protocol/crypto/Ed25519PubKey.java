package io.hyphae.protocol.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** An Ed25519 public key (32 bytes). */
public final class Ed25519PubKey implements PubKey {
  private final byte[] key;
  private final Ed25519PublicKeyParameters params;

  private Ed25519PubKey(byte[] key) {
    this.key = key.clone();
    this.params = new Ed25519PublicKeyParameters(this.key, 0);
  }

  public static Ed25519PubKey fromBytes(byte[] data) {
    if (data.length != 32) {
      throw new KeyFormatException("Ed25519 public key must be 32 bytes, got " + data.length);
    }
    try {
      return new Ed25519PubKey(data);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("Ed25519 public key is not a valid curve point", e);
    }
  }

  @Override
  public KeyType type() {
    return KeyType.ED25519;
  }

  @Override
  public byte[] raw() {
    return key.clone();
  }

  @Override
  public boolean verify(byte[] data, byte[] signature) {
    if (signature.length != 64) {
      return false;
    }
    try {
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, params);
      verifier.update(data, 0, data.length);
      return verifier.verifySignature(signature);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ed25519PubKey k && Arrays.equals(k.key, key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "Ed25519PubKey[" + java.util.HexFormat.of().formatHex(key) + "]";
  }
}
