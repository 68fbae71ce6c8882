package io.hyphae.protocol.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.proto.PubsubProto;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RpcCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  private final RpcCodec codec = new RpcCodec(RpcLimits.defaults());

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  // Golden bytes written by hand from the spec's field numbers: RPC.subscriptions=1, publish=2,
  // control=3; SubOpts subscribe=1, topicid=2; Control ihave=1, iwant=2, graft=3, prune=4,
  // idontwant=5; Prune topicID=1, peers=2, backoff=3.

  @Test
  void encodesSubscriptionFrameToGoldenBytes() {
    PubsubProto.RPC rpc =
        PubsubProto.RPC
            .newBuilder()
            .addSubscriptions(
                PubsubProto.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("a"))
            .build();
    assertThat(codec.encodeFrame(rpc)).isEqualTo(hex("07 0a 05 08 01 12 01 61"));
  }

  @Test
  void encodesIHaveToGoldenBytes() {
    PubsubProto.RPC rpc =
        PubsubProto.RPC
            .newBuilder()
            .setControl(
                PubsubProto.ControlMessage.newBuilder()
                    .addIhave(
                        PubsubProto.ControlIHave.newBuilder()
                            .setTopicID("t")
                            .addMessageIDs(ByteString.copyFrom(new byte[] {1, 2}))))
            .build();
    assertThat(rpc.toByteArray()).isEqualTo(hex("1a 09 0a 07 0a 01 74 12 02 01 02"));
  }

  @Test
  void encodesPruneWithPeerExchangeAndBackoffToGoldenBytes() {
    PubsubProto.RPC rpc =
        PubsubProto.RPC
            .newBuilder()
            .setControl(
                PubsubProto.ControlMessage.newBuilder()
                    .addPrune(
                        PubsubProto.ControlPrune.newBuilder()
                            .setTopicID("t")
                            .addPeers(
                                PubsubProto.PeerInfo.newBuilder()
                                    .setPeerID(ByteString.copyFrom(new byte[] {9})))
                            .setBackoff(60)))
            .build();
    // prune: 0a 01 74 | 12 03 (0a 01 09) | 18 3c
    assertThat(rpc.toByteArray()).isEqualTo(hex("1a 0c 22 0a 0a 01 74 12 03 0a 01 09 18 3c"));
  }

  @Test
  void encodesGraftIWantAndIDontWantToGoldenBytes() {
    PubsubProto.RPC rpc =
        PubsubProto.RPC
            .newBuilder()
            .setControl(
                PubsubProto.ControlMessage.newBuilder()
                    .addIwant(
                        PubsubProto.ControlIWant.newBuilder()
                            .addMessageIDs(ByteString.copyFrom(new byte[] {(byte) 0xbb})))
                    .addGraft(PubsubProto.ControlGraft.newBuilder().setTopicID("t"))
                    .addIdontwant(
                        PubsubProto.ControlIDontWant.newBuilder()
                            .addMessageIDs(ByteString.copyFrom(new byte[] {(byte) 0xaa}))))
            .build();
    assertThat(rpc.toByteArray())
        .isEqualTo(hex("1a 0f 12 03 0a 01 bb 1a 03 0a 01 74 2a 03 0a 01 aa"));
  }

  @Test
  void encodesPublishedMessageFieldsInOrder() {
    PubsubProto.Message m =
        PubsubProto.Message.newBuilder()
            .setFrom(ByteString.copyFrom(new byte[] {1}))
            .setData(ByteString.copyFrom(new byte[] {2}))
            .setSeqno(ByteString.copyFrom(new byte[] {3}))
            .setTopic("t")
            .setSignature(ByteString.copyFrom(new byte[] {5}))
            .setKey(ByteString.copyFrom(new byte[] {6}))
            .build();
    assertThat(PubsubProto.RPC.newBuilder().addPublish(m).build().toByteArray())
        .isEqualTo(hex("12 12 0a 01 01 12 01 02 1a 01 03 22 01 74 2a 01 05 32 01 06"));
  }

  @Test
  void roundTripsThroughFrames() throws FrameException {
    PubsubProto.RPC rpc =
        PubsubProto.RPC
            .newBuilder()
            .addSubscriptions(
                PubsubProto.RPC.SubOpts.newBuilder().setSubscribe(false).setTopicid("x"))
            .build();
    assertThat(codec.decodeFrame(codec.encodeFrame(rpc))).isEqualTo(rpc);
  }

  @Test
  void truncatedFrameFailsCleanly() {
    byte[] frame = hex("07 0a 05 08 01 12 01 61");
    for (int len = 0; len < frame.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(frame, len);
      assertThatThrownBy(() -> codec.decodeFrame(cut))
          .isInstanceOfSatisfying(
              FrameException.class,
              e -> assertThat(e.reason()).isEqualTo(FrameException.Reason.TRUNCATED));
    }
  }

  @Test
  void oversizedFrameIsRefusedFromItsLengthPrefix() {
    // Length prefix says 2 MiB; refused before any payload is buffered.
    byte[] frame = hex("80 80 80 01");
    assertThatThrownBy(() -> codec.decodeFrame(frame))
        .isInstanceOfSatisfying(
            FrameException.class,
            e -> assertThat(e.reason()).isEqualTo(FrameException.Reason.OVERSIZED));
  }

  @Test
  void garbageFailsAsMalformedNeverAsAnUncheckedException() {
    Random random = new Random(7);
    int malformed = 0;
    for (int i = 0; i < 500; i++) {
      byte[] body = new byte[1 + random.nextInt(64)];
      random.nextBytes(body);
      try {
        codec.decode(body);
      } catch (FrameException e) {
        malformed++;
      }
    }
    assertThat(malformed).isGreaterThan(0);
    assertThatThrownBy(() -> codec.decode(hex("0a ff ff ff ff ff ff ff ff ff ff 01")))
        .isInstanceOf(FrameException.class);
  }

  @Test
  void tooManyIDontWantIdsExceedTheLimit() {
    PubsubProto.ControlIDontWant.Builder dw = PubsubProto.ControlIDontWant.newBuilder();
    for (int i = 0; i < 513; i++) {
      dw.addMessageIDs(ByteString.copyFrom(new byte[] {(byte) i}));
    }
    byte[] body =
        PubsubProto.RPC
            .newBuilder()
            .setControl(PubsubProto.ControlMessage.newBuilder().addIdontwant(dw))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> codec.decode(body))
        .isInstanceOfSatisfying(
            FrameException.class,
            e -> assertThat(e.reason()).isEqualTo(FrameException.Reason.LIMIT_EXCEEDED));
  }
}
