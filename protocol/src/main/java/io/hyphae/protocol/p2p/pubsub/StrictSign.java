package io.hyphae.protocol.p2p.pubsub;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The StrictSign signature policy: every message carries {@code from} (peer-id bytes), an 8-byte
 * big-endian {@code seqno} and a signature over {@code "libp2p-pubsub:"} followed by the message's
 * protobuf encoding without {@code signature} (5) and {@code key} (6), fields 1-4 in order. {@code
 * key} is sent only when the public key is not inlined in the peer id.
 */
public final class StrictSign {
  private static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

  /** Why a message failed the policy. */
  public enum Failure {
    MISSING_FROM,
    INVALID_FROM,
    MISSING_SEQNO,
    MISSING_SIGNATURE,
    KEY_MISMATCH,
    BAD_SIGNATURE
  }

  private StrictSign() {}

  /** Builds and signs a message. */
  public static PubsubProto.Message sign(PrivKey signer, String topic, byte[] data, long seqno) {
    PeerId author = PeerId.fromPublicKey(signer.publicKey());
    PubsubProto.Message unsigned =
        PubsubProto.Message.newBuilder()
            .setFrom(ByteString.copyFrom(author.toBytes()))
            .setData(ByteString.copyFrom(data))
            .setSeqno(ByteString.copyFrom(seqnoBytes(seqno)))
            .setTopic(topic)
            .build();
    PubsubProto.Message.Builder signed =
        unsigned.toBuilder().setSignature(ByteString.copyFrom(signer.sign(signedBytes(unsigned))));
    if (author.multihash().code() != Multihash.IDENTITY) {
      signed.setKey(ByteString.copyFrom(signer.publicKey().marshal()));
    }
    return signed.build();
  }

  /** The bytes the signature covers. */
  public static byte[] signedBytes(PubsubProto.Message message) {
    byte[] body = message.toBuilder().clearSignature().clearKey().build().toByteArray();
    byte[] out = new byte[PREFIX.length + body.length];
    System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
    System.arraycopy(body, 0, out, PREFIX.length, body.length);
    return out;
  }

  /** Checks the policy; empty when the message is correctly signed by its {@code from}. */
  public static Optional<Failure> verify(PubsubProto.Message message) {
    if (!message.hasFrom()) {
      return Optional.of(Failure.MISSING_FROM);
    }
    PeerId from;
    try {
      from = PeerId.fromBytes(message.getFrom().toByteArray());
    } catch (IllegalArgumentException e) {
      return Optional.of(Failure.INVALID_FROM);
    }
    if (!message.hasSeqno() || message.getSeqno().size() != 8) {
      return Optional.of(Failure.MISSING_SEQNO);
    }
    if (!message.hasSignature()) {
      return Optional.of(Failure.MISSING_SIGNATURE);
    }
    byte[] key = message.hasKey() ? message.getKey().toByteArray() : null;
    Optional<PubKey> publicKey = from.publicKey(key);
    if (publicKey.isEmpty()) {
      return Optional.of(Failure.KEY_MISMATCH);
    }
    byte[] signature = message.getSignature().toByteArray();
    boolean ok = publicKey.get().verify(signedBytes(message), signature);
    return ok ? Optional.empty() : Optional.of(Failure.BAD_SIGNATURE);
  }

  public static byte[] seqnoBytes(long seqno) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) seqno;
      seqno >>>= 8;
    }
    return b;
  }
}
