package io.hyphae.protocol.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.proto.KadProto;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KadCodecTest {
  private final KadCodec codec = new KadCodec(KadLimits.defaults());

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  // Field numbers from the kad-dht spec: type=1, key=2, record=3, closerPeers=8,
  // providerPeers=9; Peer id=1, addrs=2, connection=3; Record key=1, value=2.

  @Test
  void encodesFindNodeRequestAndReplyToGoldenBytes() {
    KadProto.Message req =
        KadProto.Message.newBuilder()
            .setType(KadProto.Message.MessageType.FIND_NODE)
            .setKey(ByteString.copyFrom(new byte[] {1}))
            .build();
    assertThat(codec.encodeFrame(req)).isEqualTo(hex("05 08 04 12 01 01"));
    KadProto.Message reply =
        req.toBuilder()
            .addCloserPeers(
                KadProto.Message.Peer.newBuilder()
                    .setId(ByteString.copyFrom(new byte[] {9}))
                    .addAddrs(ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1}))
                    .setConnection(KadProto.Message.ConnectionType.CONNECTED))
            .build();
    assertThat(reply.toByteArray())
        .isEqualTo(hex("08 04 12 01 01 42 0c 0a 01 09 12 05 04 7f 00 00 01 18 01"));
  }

  @Test
  void encodesAddProviderAndPutValueToGoldenBytes() {
    KadProto.Message add =
        KadProto.Message.newBuilder()
            .setType(KadProto.Message.MessageType.ADD_PROVIDER)
            .setKey(ByteString.copyFrom(new byte[] {0x12, 0x20}))
            .addProviderPeers(
                KadProto.Message.Peer.newBuilder().setId(ByteString.copyFrom(new byte[] {7})))
            .build();
    assertThat(add.toByteArray()).isEqualTo(hex("08 02 12 02 12 20 4a 03 0a 01 07"));
    KadProto.Message put =
        KadProto.Message.newBuilder()
            .setType(KadProto.Message.MessageType.PUT_VALUE)
            .setKey(ByteString.copyFrom(new byte[] {1}))
            .setRecord(
                KadProto.Record.newBuilder()
                    .setKey(ByteString.copyFrom(new byte[] {1}))
                    .setValue(ByteString.copyFrom(new byte[] {2})))
            .build();
    assertThat(put.toByteArray()).isEqualTo(hex("08 00 12 01 01 1a 06 0a 01 01 12 01 02"));
  }

  @Test
  void decodesAMessageWithoutTypeAsPutValueLikeProto3Encoders() throws FrameException {
    assertThat(codec.decode(hex("12 01 01")).getType())
        .isEqualTo(KadProto.Message.MessageType.PUT_VALUE);
  }

  @Test
  void truncatedOversizedAndGarbageFramesFailCleanly() {
    byte[] frame = hex("05 08 04 12 01 01");
    for (int i = 0; i < frame.length; i++) {
      byte[] cut = Arrays.copyOf(frame, i);
      assertThatThrownBy(() -> codec.decodeFrame(cut)).isInstanceOf(FrameException.class);
    }
    assertThatThrownBy(() -> codec.decodeFrame(hex("ff ff 7f")))
        .isInstanceOfSatisfying(
            FrameException.class,
            e -> assertThat(e.reason()).isEqualTo(FrameException.Reason.OVERSIZED));
    assertThatThrownBy(() -> codec.decode(hex("42 7f 00")))
        .isInstanceOfSatisfying(
            FrameException.class,
            e -> assertThat(e.reason()).isEqualTo(FrameException.Reason.MALFORMED));
    KadProto.Message.Builder many =
        KadProto.Message.newBuilder().setType(KadProto.Message.MessageType.FIND_NODE);
    for (int i = 0; i < 65; i++) {
      many.addCloserPeers(
          KadProto.Message.Peer.newBuilder().setId(ByteString.copyFrom(new byte[] {(byte) i})));
    }
    assertThatThrownBy(() -> codec.decode(many.build().toByteArray()))
        .isInstanceOfSatisfying(
            FrameException.class,
            e -> assertThat(e.reason()).isEqualTo(FrameException.Reason.LIMIT_EXCEEDED));
  }
}
