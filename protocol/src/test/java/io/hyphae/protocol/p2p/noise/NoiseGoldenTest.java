package io.hyphae.protocol.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.protocol.JsVectors;
import io.hyphae.protocol.crypto.Ed25519PrivKey;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Java's Noise XX produces js-libp2p's handshake byte for byte, both roles, both key types. */
class NoiseGoldenTest {

  private static PrivKey identity(JsonNode v, String role) {
    byte[] raw = JsVectors.hex(v, role + "Identity");
    return v.get(role + "IdentityType").asText().equals("Ed25519")
        ? Ed25519PrivKey.fromBytes(raw)
        : Secp256k1PrivKey.fromBytes(raw);
  }

  @Test
  void handshakeMessagesMatchJsByteForByte() throws Exception {
    for (JsonNode v : JsVectors.get("noise")) {
      PrivKey initId = identity(v, "initiator");
      PrivKey respId = identity(v, "responder");
      X25519KeyPair is = X25519KeyPair.fromPrivate(JsVectors.hex(v, "initiatorStatic"));
      X25519KeyPair ie = X25519KeyPair.fromPrivate(JsVectors.hex(v, "initiatorEphemeral"));
      X25519KeyPair rs = X25519KeyPair.fromPrivate(JsVectors.hex(v, "responderStatic"));
      X25519KeyPair re = X25519KeyPair.fromPrivate(JsVectors.hex(v, "responderEphemeral"));

      byte[] initPayload = NoisePayloads.create(initId, is.publicKey());
      byte[] respPayload = NoisePayloads.create(respId, rs.publicKey());
      assertThat(initPayload).isEqualTo(JsVectors.hex(v, "initiatorPayload"));
      assertThat(respPayload).isEqualTo(JsVectors.hex(v, "responderPayload"));

      NoiseXxHandshake init = new NoiseXxHandshake(true, is, ie);
      NoiseXxHandshake resp = new NoiseXxHandshake(false, rs, re);

      byte[] a = init.writeMessageA(new byte[0]);
      assertThat(a).isEqualTo(JsVectors.hex(v, "messageA"));
      assertThat(resp.readMessageA(a)).isEmpty();

      byte[] b = resp.writeMessageB(respPayload);
      assertThat(b).isEqualTo(JsVectors.hex(v, "messageB"));
      byte[] gotB = init.readMessageB(b);
      NoisePayloads.Identity remoteResp =
          NoisePayloads.verify(
              gotB, init.remoteStatic(), Optional.of(PeerId.fromPublicKey(respId.publicKey())));
      assertThat(remoteResp.publicKey()).isEqualTo(respId.publicKey());

      byte[] c = init.writeMessageC(initPayload);
      assertThat(c).isEqualTo(JsVectors.hex(v, "messageC"));
      NoisePayloads.Identity remoteInit =
          NoisePayloads.verify(resp.readMessageC(c), resp.remoteStatic(), Optional.empty());
      assertThat(remoteInit.peerId()).isEqualTo(PeerId.fromPublicKey(initId.publicKey()));

      CipherPair ic = init.split();
      CipherPair rc = resp.split();
      byte[] toResp = ic.encrypt("hello from the initiator".getBytes(StandardCharsets.UTF_8));
      assertThat(toResp).isEqualTo(JsVectors.hex(v, "transportInitiatorToResponder"));
      assertThat(new String(rc.decrypt(toResp), StandardCharsets.UTF_8))
          .isEqualTo("hello from the initiator");
      byte[] toInit = rc.encrypt("hello from the responder".getBytes(StandardCharsets.UTF_8));
      assertThat(toInit).isEqualTo(JsVectors.hex(v, "transportResponderToInitiator"));
      assertThat(new String(ic.decrypt(toInit), StandardCharsets.UTF_8))
          .isEqualTo("hello from the responder");
    }
  }

  @Test
  void rejectsWrongSignatureTamperingAndPeerMismatch() throws Exception {
    JsonNode v = JsVectors.get("noise").get(0);
    PrivKey respId = identity(v, "responder");
    X25519KeyPair rs = X25519KeyPair.fromPrivate(JsVectors.hex(v, "responderStatic"));
    byte[] payload = NoisePayloads.create(respId, rs.publicKey());
    byte[] otherStatic = X25519KeyPair.fromPrivate(new byte[32]).publicKey();
    assertThatThrownBy(() -> NoisePayloads.verify(payload, otherStatic, Optional.empty()))
        .isInstanceOfSatisfying(
            NoiseException.class,
            e -> assertThat(e.reason()).isEqualTo(NoiseException.Reason.BAD_SIGNATURE));
    PeerId someoneElse = PeerId.fromPublicKey(identity(v, "initiator").publicKey());
    assertThatThrownBy(
            () -> NoisePayloads.verify(payload, rs.publicKey(), Optional.of(someoneElse)))
        .isInstanceOfSatisfying(
            NoiseException.class,
            e -> assertThat(e.reason()).isEqualTo(NoiseException.Reason.PEER_ID_MISMATCH));
    assertThatThrownBy(
            () -> NoisePayloads.verify(new byte[] {1, 2, 3}, rs.publicKey(), Optional.empty()))
        .isInstanceOf(NoiseException.class);

    NoiseXxHandshake init =
        new NoiseXxHandshake(
            true,
            X25519KeyPair.fromPrivate(JsVectors.hex(v, "initiatorStatic")),
            X25519KeyPair.fromPrivate(JsVectors.hex(v, "initiatorEphemeral")));
    init.writeMessageA(new byte[0]);
    byte[] b = JsVectors.hex(v, "messageB");
    b[b.length - 1] ^= 1;
    assertThatThrownBy(() -> init.readMessageB(b))
        .isInstanceOfSatisfying(
            NoiseException.class,
            e -> assertThat(e.reason()).isEqualTo(NoiseException.Reason.DECRYPT_FAILED));
    assertThat(init.state()).isEqualTo(NoiseXxHandshake.State.FAILED);
    assertThatThrownBy(() -> init.writeMessageC(new byte[0]))
        .isInstanceOf(IllegalStateException.class);
  }
}
