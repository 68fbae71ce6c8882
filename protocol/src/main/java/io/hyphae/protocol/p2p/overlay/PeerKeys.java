package io.hyphae.protocol.p2p.overlay;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hyphae.protocol.proto.KeysProto;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * libp2p key and peer-id rules the overlay protocols need: secp256k1 signing (SHA-256, DER, low-S),
 * secp256k1 and Ed25519 verification, peer ids from public keys (identity multihash up to 42 bytes,
 * else sha2-256) and the Ethereum address of a secp256k1 key. Interim: the host branch's crypto
 * package replaces this at merge.
 */
public final class PeerKeys {
  private static final X9ECParameters CURVE_PARAMS = CustomNamedCurves.getByName("secp256k1");
  private static final ECDomainParameters CURVE =
      new ECDomainParameters(
          CURVE_PARAMS.getCurve(), CURVE_PARAMS.getG(), CURVE_PARAMS.getN(), CURVE_PARAMS.getH());
  private static final BigInteger HALF_N = CURVE.getN().shiftRight(1);
  private static final int MAX_INLINE_KEY = 42;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PeerKeys() {}

  /** A new random secp256k1 key. */
  public static PeerSigner generateSecp256k1() {
    byte[] d = new byte[32];
    BigInteger k;
    do {
      RANDOM.nextBytes(d);
      k = new BigInteger(1, d);
    } while (k.signum() == 0 || k.compareTo(CURVE.getN()) >= 0);
    return secp256k1(d);
  }

  /** A secp256k1 key from its 32-byte private scalar. */
  public static PeerSigner secp256k1(byte[] privateKey) {
    BigInteger d = new BigInteger(1, privateKey);
    if (privateKey.length != 32 || d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("secp256k1 private key must be 32 bytes in [1, n)");
    }
    ECPoint q = CURVE.getG().multiply(d).normalize();
    byte[] keyProto = publicKeyProto(KeysProto.KeyType.Secp256k1, q.getEncoded(true));
    PeerId id = peerIdOf(keyProto);
    ECPrivateKeyParameters priv = new ECPrivateKeyParameters(d, CURVE);
    return new PeerSigner() {
      @Override
      public PeerId peerId() {
        return id;
      }

      @Override
      public byte[] publicKeyProto() {
        return keyProto.clone();
      }

      @Override
      public byte[] sign(byte[] data) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, priv);
        BigInteger[] rs = signer.generateSignature(sha256(data));
        BigInteger s = rs[1].compareTo(HALF_N) > 0 ? CURVE.getN().subtract(rs[1]) : rs[1];
        try {
          return new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(s)})
              .getEncoded();
        } catch (IOException e) {
          throw new IllegalStateException("DER encoding failed", e);
        }
      }
    };
  }

  /** The libp2p PublicKey protobuf (both fields always written). */
  public static byte[] publicKeyProto(KeysProto.KeyType type, byte[] data) {
    return KeysProto.PublicKey.newBuilder()
        .setType(type)
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  /** The peer id of an encoded public key: identity multihash up to 42 bytes, else sha2-256. */
  public static PeerId peerIdOf(byte[] keyProto) {
    byte[] mh;
    if (keyProto.length <= MAX_INLINE_KEY) {
      mh = new byte[2 + keyProto.length];
      mh[0] = 0x00;
      mh[1] = (byte) keyProto.length;
      System.arraycopy(keyProto, 0, mh, 2, keyProto.length);
    } else {
      mh = new byte[34];
      mh[0] = 0x12;
      mh[1] = 0x20;
      System.arraycopy(sha256(keyProto), 0, mh, 2, 32);
    }
    return PeerId.fromBytes(mh);
  }

  /** The public key inlined in an identity-multihash peer id, if it is one. */
  public static Optional<byte[]> inlinedKey(PeerId id) {
    byte[] b = id.toBytes();
    if (b.length >= 2 && b[0] == 0x00 && (b[1] & 0xff) == b.length - 2) {
      return Optional.of(Arrays.copyOfRange(b, 2, b.length));
    }
    return Optional.empty();
  }

  /**
   * The public key of {@code signer}: inlined in the peer id, or {@code keyProto} when it hashes to
   * the peer id. Empty when neither holds.
   */
  public static Optional<byte[]> keyFor(PeerId signer, byte[] keyProto) {
    Optional<byte[]> inlined = inlinedKey(signer);
    if (inlined.isPresent()) {
      if (keyProto != null && keyProto.length > 0 && !Arrays.equals(keyProto, inlined.get())) {
        return Optional.empty();
      }
      return inlined;
    }
    if (keyProto != null && keyProto.length > 0 && peerIdOf(keyProto).equals(signer)) {
      return Optional.of(keyProto);
    }
    return Optional.empty();
  }

  /** Verifies a libp2p signature by {@code signer}; false for any malformed input. */
  public static boolean verify(PeerId signer, byte[] keyProto, byte[] data, byte[] signature) {
    Optional<byte[]> key = keyFor(signer, keyProto);
    return key.isPresent() && verifyWithKey(key.get(), data, signature);
  }

  /** Verifies a signature with an encoded public key (secp256k1 or Ed25519). */
  public static boolean verifyWithKey(byte[] keyProto, byte[] data, byte[] signature) {
    if (signature == null || signature.length == 0 || signature.length > 128) {
      return false;
    }
    KeysProto.PublicKey key;
    try {
      key = KeysProto.PublicKey.parseFrom(keyProto);
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
    byte[] raw = key.getData().toByteArray();
    try {
      switch (key.getType()) {
        case Secp256k1 -> {
          ECPoint q = CURVE.getCurve().decodePoint(raw);
          ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(signature));
          if (seq.size() != 2) {
            return false;
          }
          BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
          BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
          ECDSASigner v = new ECDSASigner();
          v.init(false, new ECPublicKeyParameters(q, CURVE));
          return v.verifySignature(sha256(data), r, s);
        }
        case Ed25519 -> {
          if (raw.length != 32 || signature.length != 64) {
            return false;
          }
          Ed25519Signer v = new Ed25519Signer();
          v.init(false, new Ed25519PublicKeyParameters(raw, 0));
          v.update(data, 0, data.length);
          return v.verifySignature(signature);
        }
        default -> {
          return false;
        }
      }
    } catch (RuntimeException | IOException e) {
      return false;
    }
  }

  /** The 20-byte Ethereum address of a secp256k1 public key; empty for other key types. */
  public static Optional<byte[]> ethereumAddress(byte[] keyProto) {
    try {
      KeysProto.PublicKey key = KeysProto.PublicKey.parseFrom(keyProto);
      if (key.getType() != KeysProto.KeyType.Secp256k1) {
        return Optional.empty();
      }
      byte[] uncompressed =
          CURVE.getCurve().decodePoint(key.getData().toByteArray()).getEncoded(false);
      KeccakDigest k = new KeccakDigest(256);
      k.update(uncompressed, 1, 64);
      byte[] h = new byte[32];
      k.doFinal(h, 0);
      return Optional.of(Arrays.copyOfRange(h, 12, 32));
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
