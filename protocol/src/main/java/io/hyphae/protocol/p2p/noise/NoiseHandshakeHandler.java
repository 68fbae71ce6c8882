package io.hyphae.protocol.p2p.noise;

import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.peer.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.Optional;

/**
 * Runs the Noise XX handshake over framed messages from a {@link NoiseFrameDecoder} placed before
 * it. On success it hands the remote identity and the transport ciphers to {@link Outcome}, which
 * installs the next handlers, and replaces itself with a {@link NoiseTransportHandler}.
 */
public final class NoiseHandshakeHandler extends ChannelInboundHandlerAdapter {
  /** Told the outcome once. */
  public interface Outcome {
    void secured(ChannelHandlerContext ctx, NoisePayloads.Identity remote);

    void failed(ChannelHandlerContext ctx, Throwable cause);
  }

  private final NoiseXxHandshake handshake;
  private final PrivKey identity;
  private final byte[] staticPublic;
  private final Optional<PeerId> expectedPeer;
  private final Outcome outcome;
  private boolean finished;

  public NoiseHandshakeHandler(
      boolean initiator,
      PrivKey identity,
      X25519KeyPair staticKey,
      X25519KeyPair ephemeral,
      Optional<PeerId> expectedPeer,
      Outcome outcome) {
    this.handshake = new NoiseXxHandshake(initiator, staticKey, ephemeral);
    this.identity = identity;
    this.staticPublic = staticKey.publicKey();
    this.expectedPeer = expectedPeer;
    this.outcome = outcome;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (handshake.isInitiator()) {
      writeFrame(ctx, handshake.writeMessageA(new byte[0]));
    }
  }

  private static void writeFrame(ChannelHandlerContext ctx, byte[] message) {
    ByteBuf out = ctx.alloc().buffer(2 + message.length);
    out.writeShort(message.length).writeBytes(message);
    ctx.writeAndFlush(out);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
    if (finished) {
      return;
    }
    try {
      step(ctx, bytes);
    } catch (NoiseException | RuntimeException e) {
      fail(ctx, e);
    }
  }

  private void step(ChannelHandlerContext ctx, byte[] message) throws NoiseException {
    switch (handshake.state()) {
      case MESSAGE_A -> {
        // responder: A carries the initiator's ephemeral key; its payload must be empty here
        handshake.readMessageA(message);
        writeFrame(ctx, handshake.writeMessageB(NoisePayloads.create(identity, staticPublic)));
      }
      case MESSAGE_B -> {
        byte[] payload = handshake.readMessageB(message);
        NoisePayloads.Identity remote =
            NoisePayloads.verify(payload, handshake.remoteStatic(), expectedPeer);
        writeFrame(ctx, handshake.writeMessageC(NoisePayloads.create(identity, staticPublic)));
        secured(ctx, remote);
      }
      case MESSAGE_C -> {
        byte[] payload = handshake.readMessageC(message);
        secured(ctx, NoisePayloads.verify(payload, handshake.remoteStatic(), expectedPeer));
      }
      default ->
          throw new NoiseException(
              NoiseException.Reason.MALFORMED, "Noise message after the handshake ended");
    }
  }

  private void secured(ChannelHandlerContext ctx, NoisePayloads.Identity remote) {
    finished = true;
    ctx.pipeline().replace(this, "noise-transport", new NoiseTransportHandler(handshake.split()));
    outcome.secured(ctx, remote);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause instanceof DecoderException d && d.getCause() != null ? d.getCause() : cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(
        ctx,
        new NoiseException(NoiseException.Reason.CLOSED, "connection closed in the handshake"));
    super.channelInactive(ctx);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    outcome.failed(ctx, cause);
    ctx.close();
  }
}
