package io.hyphae.protocol.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.crypto.Ed25519PrivKey;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.peer.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Noise Netty handlers on two embedded channels whose outputs are shuttled across. */
class NoiseHandlersTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final class Side implements NoiseHandshakeHandler.Outcome {
    final AtomicReference<NoisePayloads.Identity> remote = new AtomicReference<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final EmbeddedChannel channel;

    Side(boolean initiator, PrivKey key, Optional<PeerId> expected) {
      channel = new EmbeddedChannel();
      channel.pipeline().addLast("noise-frames", new NoiseFrameDecoder());
      channel
          .pipeline()
          .addLast(
              "noise-handshake",
              new NoiseHandshakeHandler(
                  initiator,
                  key,
                  X25519KeyPair.generate(RANDOM),
                  X25519KeyPair.generate(RANDOM),
                  expected,
                  this));
    }

    @Override
    public void secured(ChannelHandlerContext ctx, NoisePayloads.Identity id) {
      remote.set(id);
    }

    @Override
    public void failed(ChannelHandlerContext ctx, Throwable cause) {
      failure.set(cause);
    }
  }

  /** Moves everything one side wrote to the other, until both are quiet. */
  private static void shuttle(Side a, Side b) {
    boolean moved = true;
    while (moved) {
      moved = move(a, b) | move(b, a);
    }
  }

  private static boolean move(Side from, Side to) {
    boolean moved = false;
    Object o;
    while ((o = from.channel.readOutbound()) != null) {
      moved = true;
      if (to.channel.isOpen()) {
        to.channel.writeInbound(o);
      } else {
        ((ByteBuf) o).release();
      }
    }
    return moved;
  }

  @Test
  void handshakeThenLargeWritesAreSplitAndRoundTrip() {
    PrivKey ik = Secp256k1PrivKey.generate(RANDOM);
    PrivKey rk = Ed25519PrivKey.generate(RANDOM);
    Side init = new Side(true, ik, Optional.of(PeerId.fromPublicKey(rk.publicKey())));
    Side resp = new Side(false, rk, Optional.empty());
    shuttle(init, resp);
    assertThat(init.remote.get().peerId()).isEqualTo(PeerId.fromPublicKey(rk.publicKey()));
    assertThat(resp.remote.get().peerId()).isEqualTo(PeerId.fromPublicKey(ik.publicKey()));
    assertThat(init.channel.pipeline().get(NoiseTransportHandler.class)).isNotNull();

    byte[] data = new byte[200_000];
    RANDOM.nextBytes(data);
    init.channel.writeOutbound(Unpooled.wrappedBuffer(data));
    ByteBuf wire = init.channel.readOutbound();
    // 200000 bytes of plaintext take four Noise messages
    assertThat(wire.readableBytes()).isEqualTo(200_000 + 4 * (2 + 16));
    resp.channel.writeInbound(wire);
    ByteBuf got = Unpooled.buffer();
    ByteBuf part;
    while ((part = resp.channel.readInbound()) != null) {
      got.writeBytes(part);
      part.release();
    }
    assertThat(ByteBufUtil.getBytes(got)).isEqualTo(data);
    got.release();
    init.channel.finishAndReleaseAll();
    resp.channel.finishAndReleaseAll();
  }

  @Test
  void wrongPeerIdClosesTheInitiatorWithPeerIdMismatch() {
    PrivKey rk = Ed25519PrivKey.generate(RANDOM);
    PeerId other = PeerId.fromPublicKey(Ed25519PrivKey.generate(RANDOM).publicKey());
    Side init = new Side(true, Secp256k1PrivKey.generate(RANDOM), Optional.of(other));
    Side resp = new Side(false, rk, Optional.empty());
    shuttle(init, resp);
    assertThat(init.failure.get())
        .isInstanceOfSatisfying(
            NoiseException.class,
            e -> assertThat(e.reason()).isEqualTo(NoiseException.Reason.PEER_ID_MISMATCH));
    assertThat(init.channel.isOpen()).isFalse();
    init.channel.finishAndReleaseAll();
    resp.channel.finishAndReleaseAll();
  }

  @Test
  void tamperedHandshakeAndTransportFramesCloseTheConnection() {
    Side init = new Side(true, Secp256k1PrivKey.generate(RANDOM), Optional.empty());
    Side resp = new Side(false, Secp256k1PrivKey.generate(RANDOM), Optional.empty());
    resp.channel.writeInbound((ByteBuf) init.channel.readOutbound());
    ByteBuf b = resp.channel.readOutbound();
    b.setByte(b.writerIndex() - 1, b.getByte(b.writerIndex() - 1) ^ 1);
    init.channel.writeInbound(b);
    assertThat(init.failure.get())
        .isInstanceOfSatisfying(
            NoiseException.class,
            e -> assertThat(e.reason()).isEqualTo(NoiseException.Reason.DECRYPT_FAILED));
    assertThat(init.channel.isOpen()).isFalse();
    init.channel.finishAndReleaseAll();
    resp.channel.finishAndReleaseAll();

    Side i2 = new Side(true, Secp256k1PrivKey.generate(RANDOM), Optional.empty());
    Side r2 = new Side(false, Ed25519PrivKey.generate(RANDOM), Optional.empty());
    shuttle(i2, r2);
    byte[] garbage = new byte[40];
    Arrays.fill(garbage, (byte) 7);
    garbage[0] = 0;
    garbage[1] = 38;
    r2.channel.writeInbound(Unpooled.wrappedBuffer(garbage));
    assertThat(r2.channel.isOpen()).isFalse();
    i2.channel.finishAndReleaseAll();
    r2.channel.finishAndReleaseAll();
  }

  @Test
  void frameDecoderRefusesEmptyFramesAndWaitsForWholeOnes() {
    AtomicReference<Throwable> error = new AtomicReference<>();
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new NoiseFrameDecoder(),
            new io.netty.channel.ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                error.set(cause);
              }
            });
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 3, 1, 2}));
    Object none = ch.readInbound();
    assertThat(none).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {3}));
    ByteBuf f = ch.readInbound();
    assertThat(ByteBufUtil.getBytes(f)).containsExactly(1, 2, 3);
    f.release();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
    assertThat(error.get()).hasRootCauseInstanceOf(NoiseException.class);
    ch.finishAndReleaseAll();
  }
}
