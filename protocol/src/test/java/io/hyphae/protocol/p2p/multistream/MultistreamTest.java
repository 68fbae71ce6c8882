package io.hyphae.protocol.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.protocol.JsVectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MultistreamTest {

  @Test
  void encodesLikeJsAndDecodesItsBytes() throws Exception {
    for (JsonNode v : JsVectors.get("multistream")) {
      String message = v.get("message").asText();
      byte[] bytes = JsVectors.hex(v, "bytes");
      ByteBuf encoded = MultistreamCodec.encode(ByteBufAllocator.DEFAULT, message);
      try {
        assertThat(ByteBufUtil.getBytes(encoded)).isEqualTo(bytes);
        assertThat(MultistreamCodec.decode(encoded)).isEqualTo(message);
        assertThat(encoded.isReadable()).isFalse();
      } finally {
        encoded.release();
      }
    }
  }

  @Test
  void decoderWaitsForWholeMessagesAndRejectsBadOnes() throws Exception {
    ByteBuf partial = Unpooled.wrappedBuffer(new byte[] {0x07, '/', 'n', 'o'});
    assertThat(MultistreamCodec.decode(partial)).isNull();
    assertThat(partial.readerIndex()).isZero();
    assertThatThrownBy(
            () -> MultistreamCodec.decode(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x10})))
        .isInstanceOf(MultistreamException.class)
        .hasMessageContaining("exceeds");
    assertThatThrownBy(
            () -> MultistreamCodec.decode(Unpooled.wrappedBuffer(new byte[] {0x02, 'a', 'b'})))
        .hasMessageContaining("newline");
    assertThatThrownBy(() -> MultistreamCodec.decode(Unpooled.wrappedBuffer(new byte[] {0x00})))
        .isInstanceOf(MultistreamException.class);
    assertThatThrownBy(
            () ->
                MultistreamCodec.decode(
                    Unpooled.wrappedBuffer(new byte[] {0x02, (byte) 0xff, '\n'})))
        .hasMessageContaining("UTF-8");
    assertThatThrownBy(
            () ->
                MultistreamCodec.decode(
                    Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80, 0x01})))
        .isInstanceOf(MultistreamException.class);
  }

  @Test
  void dialerFallsBackOnNaAndFailsWhenNothingIsSupported() throws Exception {
    MultistreamNegotiation d = MultistreamNegotiation.dialer(List.of("/a", "/b"));
    assertThat(d.start().send()).containsExactly(MultistreamCodec.PROTOCOL_ID, "/a");
    assertThat(d.onMessage(MultistreamCodec.PROTOCOL_ID).send()).isEmpty();
    assertThat(d.onMessage("na").send()).containsExactly("/b");
    assertThat(d.onMessage("/b").selected()).isEqualTo("/b");

    MultistreamNegotiation none = MultistreamNegotiation.dialer(List.of("/a"));
    none.start();
    none.onMessage(MultistreamCodec.PROTOCOL_ID);
    assertThatThrownBy(() -> none.onMessage("na"))
        .isInstanceOfSatisfying(
            MultistreamException.class,
            e -> assertThat(e.reason()).isEqualTo(MultistreamException.Reason.UNSUPPORTED));
    MultistreamNegotiation wrong = MultistreamNegotiation.dialer(List.of("/a"));
    wrong.start();
    assertThatThrownBy(() -> wrong.onMessage("/multistream/2.0.0"))
        .isInstanceOf(MultistreamException.class);
  }

  @Test
  void listenerAnswersNaThenAcceptsAndBoundsProposals() throws Exception {
    MultistreamNegotiation l = MultistreamNegotiation.listener("/b"::equals);
    assertThat(l.start().send()).containsExactly(MultistreamCodec.PROTOCOL_ID);
    l.onMessage(MultistreamCodec.PROTOCOL_ID);
    assertThat(l.onMessage("/a").send()).containsExactly("na");
    assertThat(l.onMessage("ls").send()).containsExactly("na");
    MultistreamNegotiation.Step ok = l.onMessage("/b");
    assertThat(ok.send()).containsExactly("/b");
    assertThat(ok.selected()).isEqualTo("/b");

    MultistreamNegotiation flood = MultistreamNegotiation.listener(p -> false);
    flood.start();
    flood.onMessage(MultistreamCodec.PROTOCOL_ID);
    for (int i = 0; i < MultistreamNegotiation.MAX_PROPOSALS; i++) {
      flood.onMessage("/x" + i);
    }
    assertThatThrownBy(() -> flood.onMessage("/y"))
        .isInstanceOfSatisfying(
            MultistreamException.class,
            e -> assertThat(e.reason()).isEqualTo(MultistreamException.Reason.TOO_MANY_ATTEMPTS));
  }

  @Test
  void handlerPassesBytesAfterTheAgreementOnAndClosesOnGarbage() throws Exception {
    AtomicReference<String> selected = new AtomicReference<>();
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new MultistreamHandler(
                MultistreamNegotiation.listener("/noise"::equals),
                MultistreamHandler.outcome(
                    (ctx, p) -> selected.set(p), (ctx, e) -> selected.set("failed"))));
    ByteBuf header = ch.readOutbound();
    header.release();
    ByteBuf in =
        MultistreamCodec.encode(ByteBufAllocator.DEFAULT, MultistreamCodec.PROTOCOL_ID, "/noise");
    in.writeBytes("rest".getBytes(StandardCharsets.US_ASCII));
    ch.writeInbound(in);
    assertThat(selected.get()).isEqualTo("/noise");
    ByteBuf reply = ch.readOutbound();
    reply.release();
    ByteBuf rest = ch.readInbound();
    assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("rest");
    rest.release();
    assertThat(ch.pipeline().get(MultistreamHandler.class)).isNull();
    ch.finishAndReleaseAll();

    AtomicReference<Throwable> failure = new AtomicReference<>();
    EmbeddedChannel bad =
        new EmbeddedChannel(
            new MultistreamHandler(
                MultistreamNegotiation.dialer(List.of("/noise")),
                new MultistreamHandler.Outcome() {
                  @Override
                  public void selected(ChannelHandlerContext ctx, String protocol) {}

                  @Override
                  public void failed(ChannelHandlerContext ctx, Throwable cause) {
                    failure.set(cause);
                  }
                }));
    bad.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}));
    assertThat(failure.get()).isInstanceOf(MultistreamException.class);
    assertThat(bad.isOpen()).isFalse();
    bad.finishAndReleaseAll();
  }
}
