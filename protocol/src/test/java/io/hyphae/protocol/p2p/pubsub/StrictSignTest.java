package io.hyphae.protocol.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.crypto.Ed25519PubKey;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class StrictSignTest {
  private final Secp256k1PrivKey key =
      Secp256k1PrivKey.fromBytes(
          HexFormat.of()
              .parseHex("0101010101010101010101010101010101010101010101010101010101010101"));

  @Test
  void secp256k1PeerIdInlinesTheKeyAsIdentityMultihash() {
    byte[] id = PeerId.fromPublicKey(key.publicKey()).toBytes();
    // 0x00 identity, 37 bytes: PublicKey{Type=Secp256k1(2), Data=33-byte compressed point}
    assertThat(Arrays.copyOf(id, 6))
        .isEqualTo(HexFormat.of().parseHex("0025080212 21".replace(" ", "")));
    assertThat(id).hasSize(39);
  }

  @Test
  void signsPrefixPlusFieldsOneToFourAndVerifies() {
    PubsubProto.Message m =
        StrictSign.sign(key, "hyphae/capacity/1", "hi".getBytes(StandardCharsets.UTF_8), 258);
    assertThat(m.getSeqno().toByteArray()).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 1, 2});
    assertThat(m.hasKey()).as("key inlined in the peer id is not sent").isFalse();
    byte[] signed = StrictSign.signedBytes(m);
    byte[] expectedBody =
        PubsubProto.Message.newBuilder()
            .setFrom(m.getFrom())
            .setData(m.getData())
            .setSeqno(m.getSeqno())
            .setTopic(m.getTopic())
            .build()
            .toByteArray();
    assertThat(new String(signed, 0, 14, StandardCharsets.US_ASCII)).isEqualTo("libp2p-pubsub:");
    assertThat(Arrays.copyOfRange(signed, 14, signed.length)).isEqualTo(expectedBody);
    assertThat(expectedBody[0]).isEqualTo((byte) 0x0a);
    assertThat(StrictSign.verify(m)).isEmpty();
  }

  @Test
  void tamperedDataFailsVerification() {
    PubsubProto.Message m = StrictSign.sign(key, "t", new byte[] {1}, 1);
    PubsubProto.Message tampered =
        m.toBuilder().setData(ByteString.copyFrom(new byte[] {2})).build();
    assertThat(StrictSign.verify(tampered)).contains(StrictSign.Failure.BAD_SIGNATURE);
  }

  @Test
  void messageClaimingAnotherAuthorFails() {
    Secp256k1PrivKey other = Secp256k1PrivKey.generate(new SecureRandom());
    PubsubProto.Message m = StrictSign.sign(key, "t", new byte[] {1}, 1);
    PubsubProto.Message forged =
        m.toBuilder()
            .setFrom(ByteString.copyFrom(PeerId.fromPublicKey(other.publicKey()).toBytes()))
            .build();
    assertThat(StrictSign.verify(forged)).contains(StrictSign.Failure.BAD_SIGNATURE);
    PubsubProto.Message wrongKey =
        m.toBuilder().setKey(ByteString.copyFrom(other.publicKey().marshal())).build();
    assertThat(StrictSign.verify(wrongKey)).contains(StrictSign.Failure.KEY_MISMATCH);
  }

  @Test
  void unsignedOrSeqnolessMessagesFail() {
    PubsubProto.Message m = StrictSign.sign(key, "t", new byte[] {1}, 1);
    assertThat(StrictSign.verify(m.toBuilder().clearSignature().build()))
        .contains(StrictSign.Failure.MISSING_SIGNATURE);
    assertThat(StrictSign.verify(m.toBuilder().clearSeqno().build()))
        .contains(StrictSign.Failure.MISSING_SEQNO);
    assertThat(StrictSign.verify(m.toBuilder().clearFrom().build()))
        .contains(StrictSign.Failure.MISSING_FROM);
  }

  @Test
  void verifiesEd25519AuthorsAsJsPeersSignByDefault() {
    Ed25519PrivateKeyParameters ed = new Ed25519PrivateKeyParameters(new byte[32], 0);
    PeerId id = PeerId.fromPublicKey(Ed25519PubKey.fromBytes(ed.generatePublicKey().getEncoded()));
    PubsubProto.Message unsigned =
        PubsubProto.Message.newBuilder()
            .setFrom(ByteString.copyFrom(id.toBytes()))
            .setData(ByteString.copyFromUtf8("x"))
            .setSeqno(ByteString.copyFrom(StrictSign.seqnoBytes(5)))
            .setTopic("t")
            .build();
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, ed);
    byte[] data = StrictSign.signedBytes(unsigned);
    s.update(data, 0, data.length);
    PubsubProto.Message signed =
        unsigned.toBuilder().setSignature(ByteString.copyFrom(s.generateSignature())).build();
    assertThat(StrictSign.verify(signed)).isEmpty();
  }

  @Test
  void messageIdFunctionsFollowGoAndJs() {
    PubsubProto.Message m = StrictSign.sign(key, "t", new byte[] {1}, 7);
    byte[] go = MessageIdFunction.FROM_AND_SEQNO.apply(m);
    byte[] js = MessageIdFunction.KEY_AND_SEQNO.apply(m);
    byte[] from = PeerId.fromPublicKey(key.publicKey()).toBytes();
    assertThat(Arrays.copyOf(go, from.length)).isEqualTo(from);
    assertThat(Arrays.copyOf(js, js.length - 8)).isEqualTo(key.publicKey().marshal());
    assertThat(Arrays.copyOfRange(js, js.length - 8, js.length))
        .isEqualTo(StrictSign.seqnoBytes(7));
  }
}
