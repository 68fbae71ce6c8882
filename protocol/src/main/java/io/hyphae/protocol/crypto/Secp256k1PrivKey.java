package io.hyphae.protocol.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

/** A secp256k1 private key (a 32-byte scalar); the same key is an Ethereum account. */
public final class Secp256k1PrivKey implements PrivKey {
  private final BigInteger d;
  private final Secp256k1PubKey publicKey;

  private Secp256k1PrivKey(BigInteger d) {
    this.d = d;
    this.publicKey = new Secp256k1PubKey(Secp256k1.CURVE.getG().multiply(d));
  }

  /** A 32-byte big-endian scalar in [1, n-1]. */
  public static Secp256k1PrivKey fromBytes(byte[] data) {
    if (data.length != 32) {
      throw new KeyFormatException("secp256k1 private key must be 32 bytes, got " + data.length);
    }
    BigInteger d = new BigInteger(1, data);
    if (d.signum() == 0 || d.compareTo(Secp256k1.CURVE.getN()) >= 0) {
      throw new KeyFormatException("secp256k1 private key is out of range");
    }
    return new Secp256k1PrivKey(d);
  }

  public static Secp256k1PrivKey generate(SecureRandom random) {
    BigInteger n = Secp256k1.CURVE.getN();
    BigInteger d;
    do {
      d = BigIntegers.createRandomBigInteger(256, random);
    } while (d.signum() == 0 || d.compareTo(n) >= 0);
    return new Secp256k1PrivKey(d);
  }

  @Override
  public KeyType type() {
    return KeyType.SECP256K1;
  }

  @Override
  public Secp256k1PubKey publicKey() {
    return publicKey;
  }

  /** Deterministic ECDSA over SHA-256(data), S normalised to the lower half, DER-encoded. */
  @Override
  public byte[] sign(byte[] data) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, Secp256k1.CURVE));
    BigInteger[] rs = signer.generateSignature(Secp256k1PubKey.sha256(data));
    BigInteger n = Secp256k1.CURVE.getN();
    BigInteger s = rs[1];
    if (s.compareTo(n.shiftRight(1)) > 0) {
      s = n.subtract(s);
    }
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(s)})
          .getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding in memory cannot fail", e);
    }
  }

  @Override
  public byte[] raw() {
    return BigIntegers.asUnsignedByteArray(32, d);
  }
}
