package io.hyphae.protocol.fuzz;

import io.hyphae.protocol.crypto.Ed25519PrivKey;
import io.hyphae.protocol.crypto.KeyFormatException;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiformats.FormatException;
import io.hyphae.protocol.p2p.LengthPrefixed;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.identify.IdentifyService;
import io.hyphae.protocol.p2p.multistream.MultistreamCodec;
import io.hyphae.protocol.p2p.multistream.MultistreamException;
import io.hyphae.protocol.p2p.noise.NoiseException;
import io.hyphae.protocol.p2p.noise.NoiseFrameDecoder;
import io.hyphae.protocol.p2p.noise.NoisePayloads;
import io.hyphae.protocol.p2p.noise.NoiseXxHandshake;
import io.hyphae.protocol.p2p.noise.X25519KeyPair;
import io.hyphae.protocol.peer.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * One fuzz target for every decoder of the p2p layer: the first byte picks the decoder, the rest is
 * its input. A decoder may accept or refuse with its typed exception; anything else (another
 * exception, an unreleased buffer) is a failure.
 */
final class DecoderChecks {
  static final int DECODERS = 10;
  private static final PrivKey KEY = Ed25519PrivKey.fromBytes(new byte[32]);
  private static final PeerId PEER = PeerId.fromPublicKey(KEY.publicKey());
  private static final X25519KeyPair STATIC = X25519KeyPair.fromPrivate(new byte[32]);
  private static final X25519KeyPair EPHEMERAL = X25519KeyPair.fromPrivate(filled(32, 1));

  private DecoderChecks() {}

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  static void check(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int which = (input[0] & 0xFF) % DECODERS;
    byte[] data = Arrays.copyOfRange(input, 1, input.length);
    try {
      switch (which) {
        case 0 -> multistream(data);
        case 1 -> Multiaddr.fromBytes(data);
        case 2 -> PeerId.fromBytes(data);
        case 3 -> PubKey.unmarshal(data).verify(data, data);
        case 4 -> lengthPrefixed(data);
        case 5 -> IdentifyService.decode(data, PEER);
        case 6 -> NoisePayloads.verify(data, STATIC.publicKey(), Optional.of(PEER));
        case 7 -> noiseMessages(data);
        case 8 -> noiseFrames(data);
        default -> text(new String(data, StandardCharsets.UTF_8));
      }
    } catch (FormatException
        | KeyFormatException
        | P2pException
        | MultistreamException
        | NoiseException expected) {
      // refused with a typed error
    }
  }

  private static void multistream(byte[] data) throws MultistreamException {
    ByteBuf in = Unpooled.wrappedBuffer(data);
    try {
      while (MultistreamCodec.decode(in) != null) {
        // every whole message
      }
    } finally {
      in.release();
    }
  }

  private static void lengthPrefixed(byte[] data) {
    ByteBuf in = Unpooled.wrappedBuffer(data);
    try {
      while (LengthPrefixed.decode(in, 4096) != null) {
        // every whole message
      }
    } finally {
      in.release();
    }
  }

  private static void noiseMessages(byte[] data) throws NoiseException {
    NoiseXxHandshake responder = new NoiseXxHandshake(false, STATIC, EPHEMERAL);
    try {
      responder.readMessageA(data);
    } catch (NoiseException e) {
      // refused: try it as message B too
    }
    NoiseXxHandshake initiator = new NoiseXxHandshake(true, STATIC, EPHEMERAL);
    initiator.writeMessageA(new byte[0]);
    initiator.readMessageB(data);
  }

  private static void noiseFrames(byte[] data) {
    boolean[] refused = {false};
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new NoiseFrameDecoder(),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf frame = (ByteBuf) msg;
                int length = frame.readableBytes();
                frame.release();
                if (length == 0 || length > NoiseFrameDecoder.MAX_FRAME) {
                  throw new AssertionError("bad frame length " + length);
                }
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (!(cause instanceof DecoderException d
                    && d.getCause() instanceof NoiseException)) {
                  throw new AssertionError("unexpected failure", cause);
                }
                refused[0] = true;
              }
            });
    ByteBuf in = Unpooled.buffer(data.length).writeBytes(data);
    ch.writeInbound(in);
    ch.finishAndReleaseAll();
    if (in.refCnt() != 0) {
      throw new AssertionError("input not released (refused: " + refused[0] + ")");
    }
  }

  private static void text(String s) {
    try {
      Multiaddr.parse(s);
    } catch (FormatException e) {
      // refused
    }
    PeerId.parse(s);
  }
}
