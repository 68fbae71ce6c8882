package io.hyphae.protocol.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/** A secp256k1 public key, always encoded as a 33-byte compressed point. */
public final class Secp256k1PubKey implements PubKey {
  private final ECPoint point;
  private final byte[] compressed;

  Secp256k1PubKey(ECPoint point) {
    this.point = point.normalize();
    this.compressed = this.point.getEncoded(true);
  }

  /** Accepts a compressed (33) or uncompressed (65) point on the curve. */
  public static Secp256k1PubKey fromBytes(byte[] data) {
    if (data.length != 33 && data.length != 65) {
      throw new KeyFormatException(
          "secp256k1 public key must be 33 or 65 bytes, got " + data.length);
    }
    try {
      ECPoint p = Secp256k1.CURVE.getCurve().decodePoint(data);
      if (p.isInfinity() || !p.isValid()) {
        throw new KeyFormatException("secp256k1 public key is not a valid curve point");
      }
      return new Secp256k1PubKey(p);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("secp256k1 public key is not a valid curve point", e);
    }
  }

  /** The uncompressed point (65 bytes, 0x04 prefix). */
  public byte[] uncompressed() {
    return point.getEncoded(false);
  }

  /**
   * The 20-byte Ethereum address of this key: the last 20 bytes of keccak-256 over the uncompressed
   * point without its 0x04 prefix. A node's secp256k1 identity key is also its Ethereum account.
   */
  public byte[] ethereumAddress() {
    byte[] uncompressed = uncompressed();
    KeccakDigest keccak = new KeccakDigest(256);
    keccak.update(uncompressed, 1, 64);
    byte[] hash = new byte[32];
    keccak.doFinal(hash, 0);
    return Arrays.copyOfRange(hash, 12, 32);
  }

  @Override
  public KeyType type() {
    return KeyType.SECP256K1;
  }

  @Override
  public byte[] raw() {
    return compressed.clone();
  }

  @Override
  public boolean verify(byte[] data, byte[] signature) {
    BigInteger r;
    BigInteger s;
    try {
      if (signature.length > 80) {
        return false;
      }
      ASN1Primitive der = ASN1Primitive.fromByteArray(signature);
      if (!(der instanceof ASN1Sequence seq) || seq.size() != 2) {
        return false;
      }
      r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
    BigInteger n = Secp256k1.CURVE.getN();
    if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(point, Secp256k1.CURVE));
    return verifier.verifySignature(sha256(data), r, s);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secp256k1PubKey k && Arrays.equals(k.compressed, compressed);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(compressed);
  }

  @Override
  public String toString() {
    return "Secp256k1PubKey[" + java.util.HexFormat.of().formatHex(compressed) + "]";
  }
}
