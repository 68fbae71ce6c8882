package io.hyphae.protocol.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors produced by js-libp2p's own encoders and keys ({@code
 * protocol/interop-js/overlay-vectors.mjs}, @libp2p/gossipsub 17.1.1, @libp2p/crypto 5.1.23) with
 * the secp256k1 key whose 32 private-key bytes are all 0x01.
 */
class GossipsubJsVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String PEER_ID =
      "002508021221031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c" + "17f5e9d5dd078f";
  private static final String SIGNED_RPC =
      "12ba010a27002508021221031b84c5567b126440995d3ed5aaba0565d71e1834"
          + "604819ff9c17f5e9d5dd078f120268691a080000000000000102221168797068"
          + "61652f63617061636974792f312a473045022100cf5da138c01a23c38c079be6"
          + "1fc95ab6fd8b43a31d1020725ace0c5f4547e68c02200fdd3da6867cec344e2b"
          + "803584fc172b45c3e0c6acfc3ec92ebd0cf514836a86322508021221031b84c5"
          + "567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f";
  private static final String STRICT_SIGN_MSG_ID =
      "08021221031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5"
          + "e9d5dd078f0000000000000102";
  private static final String CONTROL_RPC =
      "0a15080112116879706861652f63617061636974792f311a4a0a070a01741202"
          + "010212030a01031a030a017422300a017412290a27002508021221031b84c556"
          + "7b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f183c2a03"
          + "0a0104";

  private final Secp256k1PrivKey key = Secp256k1PrivKey.fromBytes(HEX.parseHex("01".repeat(32)));
  private final RpcCodec codec = new RpcCodec(RpcLimits.defaults());

  @Test
  void samePeerIdAsJsForTheSameKey() {
    assertThat(HEX.formatHex(PeerId.fromPublicKey(key.publicKey()).toBytes())).isEqualTo(PEER_ID);
  }

  @Test
  void verifiesAJsSignedMessageAndSignsItToTheSameBytes() throws FrameException {
    byte[] wire = HEX.parseHex(SIGNED_RPC);
    PubsubProto.RPC rpc = codec.decode(wire);
    PubsubProto.Message js = rpc.getPublish(0);
    assertThat(StrictSign.verify(js)).isEmpty();
    assertThat(rpc.toByteArray()).as("re-encoding is byte-identical").isEqualTo(wire);
    // RFC 6979 nonces and low-S on both sides: our signature is byte-identical to js's.
    PubsubProto.Message ours =
        StrictSign.sign(key, "hyphae/capacity/1", "hi".getBytes(StandardCharsets.UTF_8), 258);
    assertThat(ours.getSignature()).isEqualTo(js.getSignature());
    // js also sends the inlined key (field 6); we leave it out, which js accepts.
    assertThat(ours.toBuilder().setKey(js.getKey()).build().toByteArray())
        .isEqualTo(js.toByteArray());
  }

  @Test
  void keyAndSeqnoMessageIdMatchesJs() throws FrameException {
    PubsubProto.Message js = codec.decode(HEX.parseHex(SIGNED_RPC)).getPublish(0);
    assertThat(HEX.formatHex(MessageIdFunction.KEY_AND_SEQNO.apply(js)))
        .isEqualTo(STRICT_SIGN_MSG_ID);
  }

  @Test
  void controlMessagesEncodeToJsBytes() throws FrameException {
    byte[] wire = HEX.parseHex(CONTROL_RPC);
    PubsubProto.RPC rpc = codec.decode(wire);
    assertThat(rpc.getSubscriptions(0).getTopicid()).isEqualTo("hyphae/capacity/1");
    assertThat(rpc.getControl().getPrune(0).getBackoff()).isEqualTo(60);
    assertThat(rpc.getControl().getPrune(0).getPeers(0).getPeerID().toByteArray())
        .isEqualTo(PeerId.fromPublicKey(key.publicKey()).toBytes());
    assertThat(rpc.getControl().getIdontwant(0).getMessageIDs(0).toByteArray())
        .isEqualTo(new byte[] {4});
    assertThat(rpc.toByteArray()).isEqualTo(wire);
  }
}
