package io.hyphae.protocol.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** An Ed25519 private key; libp2p encodes it as the 32-byte seed followed by the public key. */
public final class Ed25519PrivKey implements PrivKey {
  private final Ed25519PrivateKeyParameters params;
  private final Ed25519PubKey publicKey;

  private Ed25519PrivKey(byte[] seed) {
    this.params = new Ed25519PrivateKeyParameters(seed, 0);
    this.publicKey = Ed25519PubKey.fromBytes(params.generatePublicKey().getEncoded());
  }

  /** The 32-byte seed alone, or seed + public key (64 bytes, checked to match). */
  public static Ed25519PrivKey fromBytes(byte[] data) {
    if (data.length != 32 && data.length != 64) {
      throw new KeyFormatException(
          "Ed25519 private key must be 32 or 64 bytes, got " + data.length);
    }
    Ed25519PrivKey key = new Ed25519PrivKey(Arrays.copyOf(data, 32));
    if (data.length == 64
        && !Arrays.equals(Arrays.copyOfRange(data, 32, 64), key.publicKey.raw())) {
      throw new KeyFormatException("Ed25519 private key's public half does not match its seed");
    }
    return key;
  }

  public static Ed25519PrivKey generate(SecureRandom random) {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    return new Ed25519PrivKey(seed);
  }

  @Override
  public KeyType type() {
    return KeyType.ED25519;
  }

  @Override
  public Ed25519PubKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] data) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, params);
    signer.update(data, 0, data.length);
    return signer.generateSignature();
  }

  @Override
  public byte[] raw() {
    byte[] out = new byte[64];
    params.encode(out, 0);
    System.arraycopy(publicKey.raw(), 0, out, 32, 32);
    return out;
  }
}
