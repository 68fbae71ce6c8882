package io.hyphae.protocol.p2p.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hyphae.protocol.crypto.KeyFormatException;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.NoiseProto;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** The libp2p handshake payload: the identity key and its signature over the static key. */
public final class NoisePayloads {
  static final byte[] SIGNATURE_PREFIX =
      "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

  /** A payload larger than this is refused (ours are about 110 bytes). */
  public static final int MAX_PAYLOAD = 8192;

  private NoisePayloads() {}

  /** The remote identity a valid payload proves. */
  public record Identity(PubKey publicKey, PeerId peerId) {}

  /** Our payload: identity key, signature, no extensions. */
  public static byte[] create(PrivKey identity, byte[] staticPublicKey) {
    return NoiseProto.NoiseHandshakePayload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
        .setIdentitySig(ByteString.copyFrom(identity.sign(signedBytes(staticPublicKey))))
        .build()
        .toByteArray();
  }

  /**
   * Checks a remote payload against the remote's static key and, when dialing a known peer, its
   * expected id.
   */
  public static Identity verify(
      byte[] payload, byte[] remoteStaticKey, Optional<PeerId> expectedPeer) throws NoiseException {
    if (payload.length > MAX_PAYLOAD) {
      throw new NoiseException(
          NoiseException.Reason.MALFORMED, "Noise payload larger than " + MAX_PAYLOAD + " bytes");
    }
    NoiseProto.NoiseHandshakePayload proto;
    try {
      proto = NoiseProto.NoiseHandshakePayload.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "malformed Noise payload", e);
    }
    if (!proto.hasIdentityKey() || !proto.hasIdentitySig()) {
      throw new NoiseException(
          NoiseException.Reason.MALFORMED, "Noise payload lacks the identity key or signature");
    }
    PubKey key;
    try {
      key = PubKey.unmarshal(proto.getIdentityKey().toByteArray());
    } catch (KeyFormatException e) {
      throw new NoiseException(
          NoiseException.Reason.MALFORMED, "bad identity key: " + e.getMessage(), e);
    }
    if (!key.verify(signedBytes(remoteStaticKey), proto.getIdentitySig().toByteArray())) {
      throw new NoiseException(
          NoiseException.Reason.BAD_SIGNATURE,
          "the identity key's signature over the Noise static key is invalid");
    }
    PeerId peer = PeerId.fromPublicKey(key);
    if (expectedPeer.isPresent() && !expectedPeer.get().equals(peer)) {
      throw new NoiseException(
          NoiseException.Reason.PEER_ID_MISMATCH,
          "dialed " + expectedPeer.get() + " but the remote is " + peer);
    }
    return new Identity(key, peer);
  }

  static byte[] signedBytes(byte[] staticKey) {
    byte[] out = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + staticKey.length);
    System.arraycopy(staticKey, 0, out, SIGNATURE_PREFIX.length, staticKey.length);
    return out;
  }
}
