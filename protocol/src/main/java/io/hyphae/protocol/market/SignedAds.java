package io.hyphae.protocol.market;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.crypto.Secp256k1PubKey;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.MarketProto;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The signed-ad codec: {@code SignedCapacityAd{ad, signature}} where the signature is the
 * advertiser's libp2p signature over {@code "hyphae-capacity-ad:"} + the exact ad bytes. Stateless
 * checks only (size, structure, signature, Ethereum address); time and rate checks are the
 * validator's.
 */
public final class SignedAds {
  private static final byte[] DOMAIN = "hyphae-capacity-ad:".getBytes(StandardCharsets.US_ASCII);

  private SignedAds() {}

  /** Encodes and signs {@code ad} with the advertiser's key, which must match its peer id. */
  public static byte[] sign(PrivKey advertiser, CapacityAd ad) {
    if (!PeerId.fromPublicKey(advertiser.publicKey()).equals(ad.peerId())) {
      throw new IllegalArgumentException("the ad's peer id is not the signer's");
    }
    byte[] body = ad.toProto().toByteArray();
    return MarketProto.SignedCapacityAd.newBuilder()
        .setAd(ByteString.copyFrom(body))
        .setSignature(ByteString.copyFrom(advertiser.sign(signedBytes(body))))
        .build()
        .toByteArray();
  }

  /** Decodes and verifies a signed ad. */
  public static CapacityAd verify(byte[] encoded, AdLimits limits) throws AdException {
    if (encoded.length > limits.maxEncodedBytes()) {
      throw new AdException(AdException.Reason.TOO_LARGE, encoded.length + " bytes");
    }
    MarketProto.SignedCapacityAd signed;
    MarketProto.CapacityAd proto;
    try {
      signed = MarketProto.SignedCapacityAd.parseFrom(encoded);
      proto = MarketProto.CapacityAd.parseFrom(signed.getAd());
    } catch (InvalidProtocolBufferException e) {
      throw new AdException(AdException.Reason.MALFORMED, "not a signed capacity ad");
    }
    CapacityAd ad = CapacityAd.fromProto(proto, limits);
    Optional<PubKey> key = ad.peerId().publicKey();
    if (key.isEmpty()) {
      throw new AdException(AdException.Reason.MALFORMED, "peer id does not inline a key");
    }
    if (!key.get()
        .verify(signedBytes(signed.getAd().toByteArray()), signed.getSignature().toByteArray())) {
      throw new AdException(AdException.Reason.BAD_SIGNATURE, "signature is not the advertiser's");
    }
    if (!(key.get() instanceof Secp256k1PubKey secp)
        || !Arrays.equals(secp.ethereumAddress(), ad.ethAddress())) {
      throw new AdException(
          AdException.Reason.ETH_ADDRESS_MISMATCH, "Ethereum address is not the key's");
    }
    return ad;
  }

  private static byte[] signedBytes(byte[] body) {
    byte[] out = Arrays.copyOf(DOMAIN, DOMAIN.length + body.length);
    System.arraycopy(body, 0, out, DOMAIN.length, body.length);
    return out;
  }
}
