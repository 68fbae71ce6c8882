package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamHandler;
import io.hyphae.protocol.p2p.multistream.MultistreamNegotiation;
import io.hyphae.protocol.p2p.mux.MuxedSession;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.peer.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A connection after the upgrade: a peer, a muxed session, and our streams on it. */
final class Libp2pConnection implements Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Libp2pConnection.class);

  private final Channel channel;
  private final EventLoop loop;
  private final PubKey remoteKey;
  private final PeerId remotePeer;
  private final boolean initiator;
  private final MuxedSession session;
  private final Function<String, StreamHandler> handlers;
  private final Duration negotiationTimeout;
  private final int maxStreams;
  private final int maxBuffered;
  private final Set<Object> streams = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  Libp2pConnection(
      Channel channel,
      PubKey remoteKey,
      boolean initiator,
      MuxedSession session,
      Function<String, StreamHandler> handlers,
      Duration negotiationTimeout,
      int maxStreams,
      int maxBuffered) {
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.remoteKey = remoteKey;
    this.remotePeer = PeerId.fromPublicKey(remoteKey);
    this.initiator = initiator;
    this.session = session;
    this.handlers = handlers;
    this.negotiationTimeout = negotiationTimeout;
    this.maxStreams = maxStreams;
    this.maxBuffered = maxBuffered;
    channel.closeFuture().addListener(f -> closeFuture.complete(null));
  }

  /** Inbound muxed streams arrive here (on the event loop). */
  void onInboundStream(MuxedStream muxed) {
    if (streams.size() >= maxStreams) {
      logPeer("inbound stream over the limit of " + maxStreams + ", reset");
      muxed.reset();
      return;
    }
    streams.add(muxed);
    StreamNegotiator negotiator =
        new StreamNegotiator(
            muxed,
            MultistreamNegotiation.listener(p -> handlers.apply(p) != null),
            channel.alloc(),
            loop,
            negotiationTimeout,
            (s, protocol, leftover) -> {
              Libp2pStream stream = adopt(s, protocol, leftover);
              StreamHandler handler = handlers.apply(protocol);
              if (handler == null) {
                stream.reset(); // removed during the negotiation
                return;
              }
              try {
                handler.handle(stream);
              } catch (RuntimeException e) {
                LOG.warn("handler of {} failed on a new stream", protocol, e);
                stream.reset();
              }
            },
            (s, cause) -> {
              streams.remove(s);
              logPeer("inbound negotiation failed: " + cause.getMessage());
            });
    muxed.setHandler(negotiator);
    negotiator.start();
  }

  private Libp2pStream adopt(MuxedStream muxed, String protocol, ByteBuf leftover) {
    streams.remove(muxed);
    Libp2pStream stream = new Libp2pStream(muxed, protocol, this, loop, maxBuffered);
    streams.add(stream);
    muxed.setHandler(stream);
    if (leftover.isReadable()) {
      stream.prepend(leftover);
    } else {
      leftover.release();
    }
    return stream;
  }

  void streamEnded(Object stream) {
    streams.remove(stream);
  }

  @Override
  public CompletableFuture<Stream> newStream(List<String> protocols) {
    if (protocols.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no protocol given"));
    }
    if (!isOpen()) {
      return CompletableFuture.failedFuture(
          new P2pException(P2pException.Reason.CLOSED, "connection to " + remotePeer + " closed"));
    }
    if (streams.size() >= maxStreams) {
      return CompletableFuture.failedFuture(
          new P2pException(
              P2pException.Reason.LIMIT, "stream limit of " + maxStreams + " reached"));
    }
    CompletableFuture<Stream> result = new CompletableFuture<>();
    session
        .openStream()
        .whenComplete(
            (muxed, error) -> {
              if (error != null) {
                result.completeExceptionally(Libp2pStream.map(error));
                return;
              }
              loop.execute(() -> negotiateOutbound(muxed, protocols, result));
            });
    // the negotiation has its own timeout; this one also covers a muxer that never opens
    return result.orTimeout(negotiationTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
  }

  private void negotiateOutbound(
      MuxedStream muxed, List<String> protocols, CompletableFuture<Stream> result) {
    streams.add(muxed);
    StreamNegotiator negotiator =
        new StreamNegotiator(
            muxed,
            MultistreamNegotiation.dialer(protocols),
            channel.alloc(),
            loop,
            negotiationTimeout,
            (s, protocol, leftover) -> {
              Libp2pStream stream = adopt(s, protocol, leftover);
              if (!result.complete(stream)) {
                stream.reset();
              }
            },
            (s, cause) -> {
              streams.remove(s);
              result.completeExceptionally(cause);
            });
    muxed.setHandler(negotiator);
    negotiator.start();
  }

  void logPeer(String what) {
    // one DEBUG line per peer misbehaviour, fixed format
    LOG.debug("peer={} addr={} {}", remotePeer, channel.remoteAddress(), what);
  }

  @Override
  public PeerId remotePeer() {
    return remotePeer;
  }

  @Override
  public PubKey remotePublicKey() {
    return remoteKey;
  }

  @Override
  public Multiaddr remoteAddress() {
    return TcpAddresses.toMultiaddr(channel.remoteAddress());
  }

  @Override
  public Multiaddr localAddress() {
    return TcpAddresses.toMultiaddr(channel.localAddress());
  }

  @Override
  public boolean isInitiator() {
    return initiator;
  }

  @Override
  public CompletableFuture<Duration> muxerPing() {
    return session.ping();
  }

  @Override
  public int streamCount() {
    return streams.size();
  }

  @Override
  public boolean isOpen() {
    return channel.isActive() && session.isOpen();
  }

  @Override
  public void close() {
    session.close();
    channel.close();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  Channel channel() {
    return channel;
  }

  @Override
  public String toString() {
    return "Connection[" + remotePeer + " " + channel.remoteAddress() + "]";
  }
}
