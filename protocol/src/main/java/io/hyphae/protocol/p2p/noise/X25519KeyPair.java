package io.hyphae.protocol.p2p.noise;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/** An X25519 key pair for Noise (static or ephemeral). */
public final class X25519KeyPair {
  private final X25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;

  private X25519KeyPair(X25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
  }

  /** From a 32-byte private key (clamped by X25519 itself). */
  public static X25519KeyPair fromPrivate(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("X25519 private key must be 32 bytes");
    }
    return new X25519KeyPair(new X25519PrivateKeyParameters(key, 0));
  }

  public static X25519KeyPair generate(SecureRandom random) {
    return new X25519KeyPair(new X25519PrivateKeyParameters(random));
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** DH with a remote public key. Fails on a low-order point (all-zero shared secret). */
  byte[] dh(byte[] remotePublic) throws NoiseException {
    byte[] out = new byte[32];
    try {
      privateKey.generateSecret(new X25519PublicKeyParameters(remotePublic, 0), out, 0);
    } catch (IllegalStateException e) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "X25519 with a low-order key", e);
    }
    return out;
  }
}
