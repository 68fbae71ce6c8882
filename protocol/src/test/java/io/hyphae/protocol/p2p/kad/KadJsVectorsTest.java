package io.hyphae.protocol.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.proto.KadProto;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors produced by @libp2p/kad-dht 16.4.5's own encoder ({@code
 * protocol/interop-js/overlay-vectors.mjs}).
 */
class KadJsVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String FIND_NODE =
      "08041227002508021221031b84c5567b126440995d3ed5aaba0565d71e183460"
          + "4819ff9c17f5e9d5dd078f42350a27002508021221031b84c5567b126440995d"
          + "3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f1208047f000001061001"
          + "1801";
  private static final String ADD_PROVIDER =
      "0802122212200707070707070707070707070707070707070707070707070707"
          + "0707070707074a290a27002508021221031b84c5567b126440995d3ed5aaba05"
          + "65d71e1834604819ff9c17f5e9d5dd078f";
  private static final String PUT_VALUE = "12092f6879706861652f781a030a0178";

  private final KadCodec codec = new KadCodec(KadLimits.defaults());

  @Test
  void findNodeAndAddProviderDecodeAndReencodeToJsBytes() throws FrameException {
    KadProto.Message find = codec.decode(HEX.parseHex(FIND_NODE));
    assertThat(find.getType()).isEqualTo(KadProto.Message.MessageType.FIND_NODE);
    assertThat(find.getCloserPeers(0).getConnection())
        .isEqualTo(KadProto.Message.ConnectionType.CONNECTED);
    assertThat(find.getCloserPeers(0).getAddrs(0).toByteArray())
        .isEqualTo(HEX.parseHex("047f0000010610" + "01"));
    assertThat(find.toByteArray()).isEqualTo(HEX.parseHex(FIND_NODE));
    KadProto.Message add = codec.decode(HEX.parseHex(ADD_PROVIDER));
    assertThat(add.getType()).isEqualTo(KadProto.Message.MessageType.ADD_PROVIDER);
    assertThat(add.getKey().toByteArray()).startsWith(0x12, 0x20);
    assertThat(add.toByteArray()).isEqualTo(HEX.parseHex(ADD_PROVIDER));
  }

  @Test
  void putValueWithoutTypeFieldIsReadAsPutValue() throws FrameException {
    KadProto.Message put = codec.decode(HEX.parseHex(PUT_VALUE));
    assertThat(put.hasType()).as("js omits the zero enum").isFalse();
    assertThat(put.getType()).isEqualTo(KadProto.Message.MessageType.PUT_VALUE);
    assertThat(put.getRecord().getKey().toStringUtf8()).isEqualTo("x");
  }
}
