package io.hyphae.protocol.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class YamuxFrameCodecTest {

  private final YamuxFrameCodec codec = new YamuxFrameCodec(YamuxConfig.INITIAL_WINDOW);

  private static ByteBuf hex(String hex) {
    return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
  }

  private static String encode(YamuxFrame.Type type, int flags, int id, long length) {
    ByteBuf b = YamuxFrameCodec.header(UnpooledByteBufAllocator.DEFAULT, type, flags, id, length);
    try {
      return ByteBufUtil.hexDump(b);
    } finally {
      b.release();
    }
  }

  @Test
  void encodesHeadersAsTheSpecLaysThemOut() {
    // version 0 | type | flags (16 bit) | stream id (32 bit) | length (32 bit), big-endian
    assertThat(encode(YamuxFrame.Type.DATA, YamuxFrame.SYN, 1, 5))
        .isEqualTo("000000010000000100000005");
    assertThat(encode(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, 2, 0x40000))
        .isEqualTo("000100020000000200040000");
    assertThat(encode(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.FIN | YamuxFrame.RST, 3, 0))
        .isEqualTo("0001000c0000000300000000");
    assertThat(encode(YamuxFrame.Type.PING, YamuxFrame.SYN, 0, 0x2a))
        .isEqualTo("00020001000000000000002a");
    assertThat(encode(YamuxFrame.Type.PING, YamuxFrame.ACK, 0, 0xFFFFFFFFL))
        .isEqualTo("0002000200000000ffffffff");
    assertThat(encode(YamuxFrame.Type.GO_AWAY, 0, 0, 1)).isEqualTo("000300000000000000000001");
    assertThat(encode(YamuxFrame.Type.DATA, 0, 0xFFFFFFFE, 0))
        .isEqualTo("00000000fffffffe00000000");
  }

  @Test
  void decodesDataFrameWithSynAndPayload() throws Exception {
    ByteBuf in = hex("00 00 0001 00000001 00000005 68656c6c6f 00");
    YamuxFrame frame = codec.decode(in);
    try {
      assertThat(frame.type()).isEqualTo(YamuxFrame.Type.DATA);
      assertThat(frame.has(YamuxFrame.SYN)).isTrue();
      assertThat(frame.has(YamuxFrame.ACK)).isFalse();
      assertThat(frame.streamId()).isEqualTo(1);
      assertThat(frame.length()).isEqualTo(5);
      assertThat(frame.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
      assertThat(in.readableBytes()).isEqualTo(1);
    } finally {
      frame.payload().release();
      in.release();
    }
    assertThat(in.refCnt()).isZero();
  }

  @Test
  void decodesControlFramesWithoutPayload() throws Exception {
    ByteBuf in =
        hex(
            "00 01 0006 00000004 00100000" // window update ACK|FIN stream 4, delta 1 MiB
                + "00 02 0002 00000000 fffffffe" // ping ACK
                + "00 03 0000 00000000 00000002"); // go-away internal error
    try {
      YamuxFrame update = codec.decode(in);
      assertThat(update.type()).isEqualTo(YamuxFrame.Type.WINDOW_UPDATE);
      assertThat(update.flags()).isEqualTo(YamuxFrame.ACK | YamuxFrame.FIN);
      assertThat(update.streamId()).isEqualTo(4);
      assertThat(update.length()).isEqualTo(1 << 20);
      YamuxFrame ping = codec.decode(in);
      assertThat(ping.type()).isEqualTo(YamuxFrame.Type.PING);
      assertThat(ping.length()).isEqualTo(0xFFFFFFFEL);
      YamuxFrame goAway = codec.decode(in);
      assertThat(goAway.type()).isEqualTo(YamuxFrame.Type.GO_AWAY);
      assertThat(goAway.length()).isEqualTo(YamuxFrame.GoAwayCode.INTERNAL_ERROR.code());
      assertThat(codec.decode(in)).isNull();
    } finally {
      in.release();
    }
  }

  @Test
  void waitsForWholeFramesInAnyFragmentation() throws Exception {
    byte[] wire =
        ByteBufUtil.decodeHexDump("0000000000000003000000036162630002000100000000000000ff");
    for (int cut = 0; cut <= wire.length; cut++) {
      ByteBuf in = Unpooled.buffer();
      try {
        in.writeBytes(wire, 0, cut);
        int frames = 0;
        YamuxFrame f;
        while ((f = codec.decode(in)) != null) {
          f.payload().release();
          frames++;
        }
        in.writeBytes(wire, cut, wire.length - cut);
        while ((f = codec.decode(in)) != null) {
          f.payload().release();
          frames++;
        }
        assertThat(frames).as("cut at %d", cut).isEqualTo(2);
        assertThat(in.isReadable()).isFalse();
      } finally {
        in.release();
      }
    }
  }

  @Test
  void truncatedFrameReadsNothing() throws Exception {
    ByteBuf in = hex("00 00 0000 00000001 00000010 0102");
    try {
      assertThat(codec.decode(in)).isNull();
      assertThat(in.readerIndex()).isZero();
      assertThat(codec.decode(hexSlice(in, 5))).isNull();
    } finally {
      in.release();
    }
  }

  private static ByteBuf hexSlice(ByteBuf in, int n) {
    return in.slice(0, n);
  }

  @Test
  void rejectsUnknownVersionAndType() {
    assertRejected("01 00 0000 00000001 00000000", "version 1");
    assertRejected("00 04 0000 00000001 00000000", "type 4");
    assertRejected("00 ff 0000 00000001 00000000", "type 255");
  }

  @Test
  void rejectsFramesOnTheWrongStreamId() {
    assertRejected("00 00 0000 00000000 00000000", "stream 0");
    assertRejected("00 01 0001 00000000 00000000", "stream 0");
    assertRejected("00 02 0001 00000001 00000000", "ping on stream 1");
    assertRejected("00 03 0000 00000002 00000000", "go-away on stream 2");
  }

  @Test
  void rejectsPingsThatAreNeitherRequestNorAnswer() {
    assertRejected("00 02 0000 00000000 00000001", "exactly one");
    assertRejected("00 02 0003 00000000 00000001", "exactly one");
  }

  @Test
  void rejectsDataFramesLongerThanTheWindowBeforeTheirPayloadArrives() {
    assertRejected("00 00 0000 00000001 00040001", "exceeds the receive window");
    assertRejected("00 00 0000 00000001 ffffffff", "exceeds the receive window");
  }

  @Test
  void acceptsADataFrameOfExactlyTheWindow() throws Exception {
    ByteBuf in = Unpooled.buffer();
    YamuxFrameCodec.encodeHeader(in, YamuxFrame.Type.DATA, 0, 1, YamuxConfig.INITIAL_WINDOW);
    in.writeZero(YamuxConfig.INITIAL_WINDOW);
    YamuxFrame frame = codec.decode(in);
    assertThat(frame.payload().readableBytes()).isEqualTo(YamuxConfig.INITIAL_WINDOW);
    frame.payload().release();
    in.release();
  }

  @Test
  void flagNamesShowEveryBit() {
    assertThat(YamuxFrame.flagNames(0)).isEqualTo("-");
    assertThat(YamuxFrame.flagNames(0xF)).isEqualTo("SYN|ACK|FIN|RST");
    assertThat(YamuxFrame.flagNames(0x14)).isEqualTo("FIN|0x10");
  }

  private void assertRejected(String hex, String message) {
    ByteBuf in = hex(hex);
    try {
      assertThatThrownBy(() -> codec.decode(in))
          .isInstanceOf(YamuxProtocolException.class)
          .hasMessageContaining(message);
    } finally {
      in.release();
    }
  }
}
