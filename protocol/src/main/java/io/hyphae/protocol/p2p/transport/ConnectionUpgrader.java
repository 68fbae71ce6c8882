package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.multistream.MultistreamException;
import io.hyphae.protocol.p2p.multistream.MultistreamHandler;
import io.hyphae.protocol.p2p.multistream.MultistreamNegotiation;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.noise.NoiseException;
import io.hyphae.protocol.p2p.noise.NoiseFrameDecoder;
import io.hyphae.protocol.p2p.noise.NoiseHandshakeHandler;
import io.hyphae.protocol.p2p.noise.NoisePayloads;
import io.hyphae.protocol.p2p.noise.X25519KeyPair;
import io.hyphae.protocol.peer.PeerId;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Upgrades a raw TCP channel: multistream-select {@code /noise}, the Noise XX handshake, then
 * multistream-select of the muxer, then the muxer's handler. Any failure or the deadline closes the
 * channel and fails the future with a typed {@link P2pException}.
 */
final class ConnectionUpgrader {
  static final String NOISE = "/noise";
  static final String ERRORS = "errors";

  /** A finished upgrade. */
  record Upgraded(
      Channel channel, NoisePayloads.Identity remote, StreamMuxerFactory.Installed muxer) {}

  private final PrivKey identity;
  private final X25519KeyPair staticKey;
  private final StreamMuxerFactory muxers;
  private final Duration timeout;
  private final SecureRandom random;

  ConnectionUpgrader(
      PrivKey identity, StreamMuxerFactory muxers, Duration timeout, SecureRandom random) {
    this.identity = identity;
    this.staticKey = X25519KeyPair.generate(random);
    this.muxers = muxers;
    this.timeout = timeout;
    this.random = random;
  }

  /**
   * Starts the upgrade on {@code channel} (call on its event loop); inbound streams of the finished
   * connection go to {@code onInbound}. The channel's pipeline must end in a handler named {@link
   * #ERRORS}.
   */
  CompletableFuture<Upgraded> upgrade(
      Channel channel,
      boolean initiator,
      Optional<PeerId> expectedPeer,
      Consumer<MuxedStream> onInbound) {
    return new Upgrade(channel, initiator, expectedPeer, onInbound).start();
  }

  /** The state of one connection's upgrade; every step runs on the channel's event loop. */
  private final class Upgrade {
    private final Channel channel;
    private final boolean initiator;
    private final Optional<PeerId> expectedPeer;
    private final Consumer<MuxedStream> onInbound;
    private final CompletableFuture<Upgraded> result = new CompletableFuture<>();
    private NoisePayloads.Identity remote;

    Upgrade(
        Channel channel,
        boolean initiator,
        Optional<PeerId> expectedPeer,
        Consumer<MuxedStream> onInbound) {
      this.channel = channel;
      this.initiator = initiator;
      this.expectedPeer = expectedPeer;
      this.onInbound = onInbound;
    }

    CompletableFuture<Upgraded> start() {
      var deadline =
          channel
              .eventLoop()
              .schedule(
                  () -> {
                    if (result.completeExceptionally(
                        new P2pException(
                            P2pException.Reason.TIMEOUT,
                            "connection upgrade took longer than " + timeout))) {
                      channel.close();
                    }
                  },
                  timeout.toMillis(),
                  TimeUnit.MILLISECONDS);
      result.whenComplete((u, e) -> deadline.cancel(false));
      channel
          .closeFuture()
          .addListener(
              f ->
                  result.completeExceptionally(
                      new P2pException(
                          P2pException.Reason.CLOSED, "connection closed during the upgrade")));
      channel
          .pipeline()
          .addBefore(
              ERRORS,
              "mss-security",
              new MultistreamHandler(
                  negotiation(NOISE),
                  MultistreamHandler.outcome(
                      this::securitySelected,
                      (ctx, cause) -> fail(result, channel, "security negotiation", cause))));
      return result;
    }

    private MultistreamNegotiation negotiation(String protocol) {
      return initiator
          ? MultistreamNegotiation.dialer(List.of(protocol))
          : MultistreamNegotiation.listener(protocol::equals);
    }

    private void securitySelected(ChannelHandlerContext ctx, String protocol) {
      ctx.pipeline().addAfter(ctx.name(), "noise-frames", new NoiseFrameDecoder());
      ctx.pipeline()
          .addAfter(
              "noise-frames",
              "noise-handshake",
              new NoiseHandshakeHandler(
                  initiator,
                  identity,
                  staticKey,
                  X25519KeyPair.generate(random),
                  expectedPeer,
                  new NoiseHandshakeHandler.Outcome() {
                    @Override
                    public void secured(ChannelHandlerContext c, NoisePayloads.Identity id) {
                      noiseDone(id);
                    }

                    @Override
                    public void failed(ChannelHandlerContext c, Throwable cause) {
                      fail(result, channel, "Noise handshake", cause);
                    }
                  }));
    }

    private void noiseDone(NoisePayloads.Identity id) {
      remote = id;
      channel
          .pipeline()
          .addAfter(
              "noise-transport",
              "mss-muxer",
              new MultistreamHandler(
                  negotiation(muxers.protocolId()),
                  MultistreamHandler.outcome(
                      this::muxerSelected,
                      (ctx, cause) -> fail(result, channel, "muxer negotiation", cause))));
    }

    private void muxerSelected(ChannelHandlerContext ctx, String protocol) {
      StreamMuxerFactory.Installed installed = muxers.create(initiator, onInbound);
      ctx.pipeline().addAfter(ctx.name(), "muxer", installed.handler());
      if (!result.complete(new Upgraded(channel, remote, installed))) {
        channel.close();
      }
    }
  }

  private static void fail(
      CompletableFuture<Upgraded> result, Channel channel, String step, Throwable cause) {
    P2pException.Reason reason = P2pException.Reason.UPGRADE_FAILED;
    if (cause instanceof NoiseException n && n.reason() == NoiseException.Reason.PEER_ID_MISMATCH) {
      reason = P2pException.Reason.PEER_ID_MISMATCH;
    } else if (cause instanceof MultistreamException m
        && m.reason() == MultistreamException.Reason.UNSUPPORTED) {
      reason = P2pException.Reason.PROTOCOL_NOT_SUPPORTED;
    } else if (cause instanceof NoiseException n && n.reason() == NoiseException.Reason.CLOSED
        || cause instanceof MultistreamException m2
            && m2.reason() == MultistreamException.Reason.CLOSED) {
      reason = P2pException.Reason.CLOSED;
    }
    result.completeExceptionally(
        new P2pException(reason, step + " failed: " + cause.getMessage(), cause));
    channel.close();
  }
}
