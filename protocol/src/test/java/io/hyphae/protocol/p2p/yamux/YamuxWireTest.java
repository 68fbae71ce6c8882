package io.hyphae.protocol.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One session (the listener) against frames written by hand, as a remote dialer would send them.
 */
class YamuxWireTest {

  private final List<MuxedStream> inbound = new ArrayList<>();
  private final List<Recorder> recorders = new ArrayList<>();
  private final List<ByteBuf> sent = new ArrayList<>();
  private EmbeddedChannel channel = listener(YamuxConfig.defaults());

  private EmbeddedChannel listener(YamuxConfig config) {
    return new EmbeddedChannel(
        new YamuxHandler(
            false,
            config,
            s -> {
              Recorder r = new Recorder();
              inbound.add(s);
              recorders.add(r);
              s.setHandler(r);
            }));
  }

  @AfterEach
  void allReleased() {
    channel.finishAndReleaseAll();
    for (ByteBuf b : sent) {
      assertThat(b.refCnt()).as("input buffer released").isZero();
    }
  }

  private void send(YamuxFrame.Type type, int flags, int id, long length, byte[] payload) {
    ByteBuf b = Unpooled.buffer();
    YamuxFrameCodec.encodeHeader(b, type, flags, id, length);
    b.writeBytes(payload);
    sendRaw(b);
  }

  private void send(YamuxFrame.Type type, int flags, int id, long length) {
    send(type, flags, id, length, new byte[0]);
  }

  private void sendRaw(ByteBuf b) {
    sent.add(b);
    channel.writeInbound(b);
  }

  private void sendHex(String hex) {
    sendRaw(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", ""))));
  }

  /** The frames the session wrote, decoded. */
  private List<YamuxFrame> written() {
    YamuxFrameCodec codec = new YamuxFrameCodec(YamuxFrame.MAX_UINT32);
    List<YamuxFrame> frames = new ArrayList<>();
    ByteBuf all = Unpooled.buffer();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      all.writeBytes(b);
      b.release();
    }
    try {
      for (YamuxFrame f; (f = codec.decode(all)) != null; ) {
        frames.add(new YamuxFrame(f.type(), f.flags(), f.streamId(), f.length(), null));
        f.payload().release();
      }
    } catch (YamuxProtocolException e) {
      throw new AssertionError(e);
    } finally {
      all.release();
    }
    return frames;
  }

  private static YamuxFrame frame(YamuxFrame.Type type, int flags, int id, long length) {
    return new YamuxFrame(type, flags, id, length, null);
  }

  private void assertProtocolErrorGoAwayAndClosed() {
    assertThat(written())
        .endsWith(
            frame(YamuxFrame.Type.GO_AWAY, 0, 0, YamuxFrame.GoAwayCode.PROTOCOL_ERROR.code()));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void answersAPingWithAckAndTheSameValue() {
    sendHex("00 02 0001 00000000 cafebabe");
    assertThat(written())
        .containsExactly(frame(YamuxFrame.Type.PING, YamuxFrame.ACK, 0, 0xcafebabeL));
  }

  @Test
  void ignoresAPingAnswerNothingAsksFor() {
    sendHex("00 02 0002 00000000 00000007");
    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aSynWithDataOpensTheStreamAndDeliversTheData() {
    send(YamuxFrame.Type.DATA, YamuxFrame.SYN, 1, 2, "hi".getBytes(StandardCharsets.US_ASCII));
    assertThat(inbound).hasSize(1);
    assertThat(recorders.get(0).text()).isEqualTo("hi");
    assertThat(written())
        .containsExactly(frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, 1, 0));
  }

  @Test
  void aWindowUpdateWithSynOpensTheStreamAndGrowsTheSendWindow() {
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 1000);
    assertThat(inbound).hasSize(1);
    inbound.get(0).write(Unpooled.wrappedBuffer(new byte[YamuxConfig.INITIAL_WINDOW + 1000]));
    List<YamuxFrame> out = written();
    assertThat(out.get(0)).isEqualTo(frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, 1, 0));
    long data =
        out.stream()
            .filter(f -> f.type() == YamuxFrame.Type.DATA)
            .mapToLong(YamuxFrame::length)
            .sum();
    assertThat(data).isEqualTo(YamuxConfig.INITIAL_WINDOW + 1000);
    assertThat(out.stream().filter(f -> f.type() == YamuxFrame.Type.DATA))
        .allMatch(f -> f.length() <= YamuxConfig.defaults().maxFrameData());
  }

  @Test
  void grantsWindowBackAsTheHandlerConsumes() {
    channel.finishAndReleaseAll();
    channel =
        listener(YamuxConfig.defaults().withMaxReceiveWindow(YamuxConfig.INITIAL_WINDOW)); // fixed
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    written();
    int half = YamuxConfig.INITIAL_WINDOW / 2;
    send(YamuxFrame.Type.DATA, 0, 1, half - 1, new byte[half - 1]);
    assertThat(written()).isEmpty(); // below half a window: no update yet
    send(YamuxFrame.Type.DATA, 0, 1, 1, new byte[1]);
    assertThat(written()).containsExactly(frame(YamuxFrame.Type.WINDOW_UPDATE, 0, 1, half));
    // The full window is ours again: one more full window is fine.
    send(
        YamuxFrame.Type.DATA,
        0,
        1,
        YamuxConfig.INITIAL_WINDOW,
        new byte[YamuxConfig.INITIAL_WINDOW]);
    assertThat(channel.isOpen()).isTrue();
    assertThat(recorders.get(0).size()).isEqualTo(YamuxConfig.INITIAL_WINDOW + half);
  }

  @Test
  void overrunningTheWindowIsAProtocolError() {
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    inbound.get(0).pauseReading();
    send(
        YamuxFrame.Type.DATA,
        0,
        1,
        YamuxConfig.INITIAL_WINDOW,
        new byte[YamuxConfig.INITIAL_WINDOW]);
    assertThat(channel.isOpen()).isTrue();
    send(YamuxFrame.Type.DATA, 0, 1, 1, new byte[1]);
    assertProtocolErrorGoAwayAndClosed();
    assertThat(recorders.get(0).reset.reason()).isEqualTo(MuxException.Reason.PROTOCOL_ERROR);
  }

  @Test
  void garbageIsAProtocolError() {
    sendHex("474554202f20485454502f312e310d0a"); // "GET / HTTP/1.1\r\n"
    assertProtocolErrorGoAwayAndClosed();
  }

  @Test
  void anOversizedDataFrameIsRefusedFromItsHeader() {
    sendHex("00 00 0001 00000001 7fffffff");
    assertProtocolErrorGoAwayAndClosed();
  }

  @Test
  void aTruncatedFrameWaitsAndIsReleasedWhenTheConnectionCloses() {
    sendHex("00 00 0001 00000001 00000010 0102");
    assertThat(written()).isEmpty();
    assertThat(inbound).isEmpty();
    channel.close();
  }

  @Test
  void framesSplitIntoSingleBytesStillDecode() {
    ByteBuf whole = Unpooled.buffer();
    YamuxFrameCodec.encodeHeader(whole, YamuxFrame.Type.DATA, YamuxFrame.SYN, 1, 3);
    whole.writeBytes(new byte[] {'a', 'b', 'c'});
    YamuxFrameCodec.encodeHeader(whole, YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.FIN, 1, 0);
    while (whole.isReadable()) {
      sendRaw(whole.readBytes(1));
    }
    whole.release();
    assertThat(recorders.get(0).text()).isEqualTo("abc");
    assertThat(recorders.get(0).remoteClosed).isTrue();
  }

  @Test
  void aSynWithOurParityIsAProtocolError() {
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 2, 0);
    assertProtocolErrorGoAwayAndClosed();
  }

  @Test
  void aSecondSynForAnOpenStreamIsAProtocolError() {
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    send(YamuxFrame.Type.DATA, YamuxFrame.SYN, 1, 1, new byte[1]);
    assertProtocolErrorGoAwayAndClosed();
  }

  @Test
  void dataAfterTheRemoteFinResetsOnlyThatStream() {
    send(YamuxFrame.Type.DATA, YamuxFrame.SYN | YamuxFrame.FIN, 1, 1, new byte[] {'a'});
    assertThat(recorders.get(0).remoteClosed).isTrue();
    written();
    send(YamuxFrame.Type.DATA, 0, 1, 1, new byte[] {'b'});
    assertThat(written())
        .containsExactly(frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, 1, 0));
    assertThat(recorders.get(0).reset.reason()).isEqualTo(MuxException.Reason.PROTOCOL_ERROR);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void framesForUnknownStreamsAreDropped() {
    send(YamuxFrame.Type.DATA, 0, 9, 3, new byte[3]);
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.FIN, 11, 5);
    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aSynWithRstOpensNothing() {
    send(YamuxFrame.Type.DATA, YamuxFrame.SYN | YamuxFrame.RST, 1, 1, new byte[1]);
    assertThat(inbound).isEmpty();
    assertThat(written()).isEmpty();
  }

  @Test
  void aStreamFloodGetsRstForStreamsPastTheLimit() {
    channel.finishAndReleaseAll();
    channel = listener(YamuxConfig.defaults().withMaxInboundStreams(3));
    for (int id = 1; id <= 11; id += 2) {
      send(YamuxFrame.Type.DATA, YamuxFrame.SYN, id, 4, new byte[4]);
    }
    assertThat(inbound).hasSize(3);
    assertThat(written())
        .containsExactly(
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, 1, 0),
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, 3, 0),
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, 5, 0),
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, 7, 0),
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, 9, 0),
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, 11, 0));
    // A stream that ends frees its slot.
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, 1, 0);
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 13, 0);
    assertThat(inbound).hasSize(4);
  }

  @Test
  void aSessionWithoutInboundHandlerRefusesStreams() {
    channel.finishAndReleaseAll();
    channel = new EmbeddedChannel(new YamuxHandler(false, YamuxConfig.defaults()));
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    assertThat(written())
        .containsExactly(frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.RST, 1, 0));
  }

  @Test
  void aGoAwayWithAnErrorCodeResetsEverythingAtOnce() {
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    sendHex("00 03 0000 00000000 00000002");
    assertThat(recorders.get(0).reset.reason()).isEqualTo(MuxException.Reason.REMOTE_WENT_AWAY);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void theWindowDoublesWhileTheReaderKeepsUpAndStopsAtTheMaximum() {
    channel.finishAndReleaseAll();
    int max = 4 * YamuxConfig.INITIAL_WINDOW;
    channel = listener(YamuxConfig.defaults().withMaxReceiveWindow(max));
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    written();
    long window = YamuxConfig.INITIAL_WINDOW;
    long received = 0;
    for (long expectedWindow : new long[] {2L * window, 4L * window, 4L * window}) {
      int half = (int) (window / 2);
      send(YamuxFrame.Type.DATA, 0, 1, half, new byte[half]);
      received += half;
      // half the window consumed: grant it back, plus the growth
      assertThat(written())
          .containsExactly(
              frame(YamuxFrame.Type.WINDOW_UPDATE, 0, 1, half + (expectedWindow - window)));
      window = expectedWindow;
    }
    // the remote may now have a whole grown window in flight
    send(YamuxFrame.Type.DATA, 0, 1, max / 2, new byte[max / 2]);
    send(YamuxFrame.Type.DATA, 0, 1, max / 2, new byte[max / 2]);
    assertThat(channel.isOpen()).isTrue();
    assertThat(recorders.get(0).size()).isEqualTo(received + max);
  }

  @Test
  void aPausedReaderGetsNoWindowGrowthAndNoGrant() {
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    written();
    inbound.get(0).pauseReading();
    send(
        YamuxFrame.Type.DATA,
        0,
        1,
        YamuxConfig.INITIAL_WINDOW,
        new byte[YamuxConfig.INITIAL_WINDOW]);
    assertThat(written()).isEmpty();
    // the window is spent and was not grown: one more byte overruns it
    send(YamuxFrame.Type.DATA, 0, 1, 1, new byte[1]);
    assertProtocolErrorGoAwayAndClosed();
  }

  @Test
  void aLargerReceiveWindowIsAnnouncedInTheAck() {
    channel.finishAndReleaseAll();
    channel = listener(YamuxConfig.defaults().withReceiveWindow(1024 * 1024));
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
    assertThat(written())
        .containsExactly(
            frame(
                YamuxFrame.Type.WINDOW_UPDATE,
                YamuxFrame.ACK,
                1,
                1024 * 1024 - YamuxConfig.INITIAL_WINDOW));
    send(YamuxFrame.Type.DATA, 0, 1, 1024 * 1024, new byte[1024 * 1024]);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aWindowUpdateOverflowingUint32IsAProtocolError() {
    send(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.SYN, 1, YamuxFrame.MAX_UINT32);
    assertProtocolErrorGoAwayAndClosed();
  }

  @Test
  void aRemoteThatMakesUsAnswerWithoutReadingIsCutOff() {
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    channel.runPendingTasks();
    ByteBuf pings = Unpooled.buffer();
    for (int i = 0; i <= YamuxSession.MAX_CONTROL_BACKLOG + 10; i++) {
      YamuxFrameCodec.encodeHeader(pings, YamuxFrame.Type.PING, YamuxFrame.SYN, 0, i);
    }
    sendRaw(pings);
    channel.runPendingTasks();
    assertProtocolErrorGoAwayAndClosed();
  }

  @Test
  void pingAnswersWhileUnwritableBelowTheBacklogLimitAreKept() {
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    channel.runPendingTasks();
    sendHex("00 02 0001 00000000 00000001");
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    channel.runPendingTasks();
    assertThat(written()).containsExactly(frame(YamuxFrame.Type.PING, YamuxFrame.ACK, 0, 1));
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void resettingAClosedStreamWithUnreadDataReleasesIt() {
    List<MuxedStream> unhandled = new ArrayList<>();
    channel.finishAndReleaseAll();
    YamuxHandler handler = new YamuxHandler(false, YamuxConfig.defaults(), unhandled::add);
    channel = new EmbeddedChannel(handler);
    send(YamuxFrame.Type.DATA, YamuxFrame.SYN | YamuxFrame.FIN, 1, 3, new byte[3]);
    unhandled.get(0).closeWrite();
    assertThat(unhandled.get(0).isClosed()).isTrue();
    assertThat(handler.session().openStreamCount()).isEqualTo(1); // data not yet read
    unhandled.get(0).reset();
    assertThat(handler.session().openStreamCount()).isZero();
    assertThat(written())
        .containsExactly(
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.ACK, 1, 0),
            frame(YamuxFrame.Type.WINDOW_UPDATE, YamuxFrame.FIN, 1, 0));
  }
}
