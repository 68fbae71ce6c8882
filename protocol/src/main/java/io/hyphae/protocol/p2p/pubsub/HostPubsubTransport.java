package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.multiaddr.Protocol;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.ConnectionListener;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.LengthPrefixedReader;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReader;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.p2p.overlay.Scheduler;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossipsub on a libp2p {@link Host}: serves {@code /meshsub/1.2.0} and {@code /meshsub/1.1.0},
 * and, as libp2p does, keeps one long-lived outbound stream per peer for our RPCs while reading the
 * peer's RPCs from its own outbound stream (our inbound one). Each RPC is one
 * varint-length-prefixed frame. Every router call is posted to the router's scheduler thread;
 * connection events become {@code attachPeer}/{@code detachPeer}. RPCs sent before the outbound
 * stream is open wait in a bounded queue; beyond {@link #MAX_QUEUED_BYTES} per peer (queued or not
 * yet written) they are dropped, which gossip tolerates.
 */
public final class HostPubsubTransport implements PubsubTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HostPubsubTransport.class);

  /** Bytes we let wait for one peer before dropping RPCs to it. */
  public static final long MAX_QUEUED_BYTES = 4L << 20;

  private final Host host;
  private final Scheduler scheduler;
  private final RpcCodec codec;
  private final Map<PeerId, Outbound> outbound = new ConcurrentHashMap<>();
  private final ConnectionListener connections =
      new ConnectionListener() {
        @Override
        public void onConnected(Connection connection) {
          ensureOutbound(connection);
        }

        @Override
        public void onDisconnected(Connection connection) {
          PeerId peer = connection.remotePeer();
          if (host.connections(peer).isEmpty()) {
            drop(peer, "disconnected");
          }
        }
      };
  private volatile GossipsubRouter router;

  /** One peer's outbound stream, or the RPCs waiting for it. */
  private static final class Outbound {
    private Stream stream;
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    private long queuedBytes;
    private boolean closed;
  }

  public HostPubsubTransport(Host host, Scheduler scheduler, RpcLimits limits) {
    this.host = host;
    this.scheduler = scheduler;
    this.codec = new RpcCodec(limits);
  }

  /**
   * Connects {@code router} (built with this transport) to the host: registers the protocol
   * handlers, listens for connections and opens streams to peers already connected.
   */
  public void start(GossipsubRouter router) {
    this.router = router;
    for (String protocol : PubsubProtocols.ALL) {
      host.setStreamHandler(protocol, this::onInboundStream);
    }
    host.addConnectionListener(connections);
    for (Connection c : host.connections()) {
      ensureOutbound(c);
    }
  }

  /** Unregisters from the host and closes our outbound streams. */
  public void stop() {
    host.removeConnectionListener(connections);
    for (String protocol : PubsubProtocols.ALL) {
      host.removeStreamHandler(protocol);
    }
    for (PeerId peer : outbound.keySet()) {
      drop(peer, "stopped");
    }
  }

  @Override
  public boolean send(PeerId peer, PubsubProto.RPC rpc) {
    Outbound out = outbound.get(peer);
    if (out == null) {
      return false;
    }
    byte[] frame = codec.encodeFrame(rpc);
    Stream stream;
    synchronized (out) {
      if (out.closed || out.queuedBytes + frame.length > MAX_QUEUED_BYTES) {
        return false;
      }
      out.queuedBytes += frame.length;
      if (out.stream == null) {
        out.waiting.add(frame);
        return true;
      }
      stream = out.stream;
    }
    write(out, stream, frame);
    return true;
  }

  @Override
  public void connect(PeerId peer) {
    // The host keeps no address book yet and PX signed peer records are not read, so a PX
    // candidate we are not connected to cannot be dialed; one we are connected to is attached.
    for (Connection c : host.connections(peer)) {
      ensureOutbound(c);
      return;
    }
    LOG.debug("pubsub PX candidate {} has no known address; skipped", peer);
  }

  private void write(Outbound out, Stream stream, byte[] frame) {
    stream
        .write(frame)
        .whenComplete(
            (v, e) -> {
              synchronized (out) {
                out.queuedBytes -= frame.length;
              }
            });
  }

  private void ensureOutbound(Connection connection) {
    PeerId peer = connection.remotePeer();
    if (peer.equals(host.peerId()) || router == null) {
      return;
    }
    Outbound fresh = new Outbound();
    if (outbound.putIfAbsent(peer, fresh) != null) {
      return;
    }
    String ip = ipOf(connection);
    boolean dialed = connection.isInitiator();
    connection
        .newStream(PubsubProtocols.ALL)
        .whenComplete(
            (stream, e) -> {
              if (e != null) {
                LOG.debug("pubsub stream to {} not opened: {}", peer, e.getMessage());
                outbound.remove(peer, fresh);
                return;
              }
              stream.setReader(new OutboundReader(peer, fresh));
              synchronized (fresh) {
                if (fresh.closed) {
                  stream.reset();
                  return;
                }
                fresh.stream = stream;
                byte[] frame;
                while ((frame = fresh.waiting.poll()) != null) {
                  write(fresh, stream, frame);
                }
              }
              GossipsubRouter r = router;
              scheduler.execute(() -> r.attachPeer(peer, stream.protocol(), dialed, ip));
            });
  }

  private void onInboundStream(Stream stream) {
    Connection connection = stream.connection();
    PeerId peer = connection.remotePeer();
    GossipsubRouter r = router;
    String protocol = stream.protocol();
    String ip = ipOf(connection);
    boolean dialed = connection.isInitiator();
    // Attach at once so the peer's first RPC (its subscriptions) is not lost while our own
    // outbound stream is still being negotiated; our RPCs wait in the queue meanwhile.
    ensureOutbound(connection);
    scheduler.execute(() -> r.attachPeer(peer, protocol, dialed, ip));
    stream.setReader(
        new LengthPrefixedReader(
            codec.limits().maxFrameBytes(),
            new LengthPrefixedReader.Listener() {
              @Override
              public void onMessage(Stream s, byte[] body) {
                try {
                  PubsubProto.RPC rpc = codec.decode(body);
                  scheduler.execute(() -> r.handleRpc(peer, rpc));
                } catch (FrameException e) {
                  scheduler.execute(() -> r.handleMalformedRpc(peer, e.getMessage()));
                }
              }

              @Override
              public void onMalformed(Stream s, String why) {
                scheduler.execute(() -> r.handleMalformedRpc(peer, why));
              }

              @Override
              public void onRemoteClose(Stream s) {
                s.closeWrite();
              }
            }));
  }

  /** Our outbound stream carries nothing back; its end means the peer is gone for pubsub. */
  private final class OutboundReader implements StreamReader {
    private final PeerId peer;
    private final Outbound owner;

    OutboundReader(PeerId peer, Outbound owner) {
      this.peer = peer;
      this.owner = owner;
    }

    @Override
    public void onData(Stream stream, ByteBuf data) {
      data.release();
    }

    @Override
    public void onReset(Stream stream, P2pException cause) {
      if (outbound.get(peer) == owner) {
        drop(peer, "outbound stream reset: " + cause.getMessage());
      }
    }
  }

  private void drop(PeerId peer, String why) {
    Outbound out = outbound.remove(peer);
    if (out == null) {
      return;
    }
    Stream stream;
    synchronized (out) {
      out.closed = true;
      out.waiting.clear();
      stream = out.stream;
    }
    if (stream != null) {
      stream.reset();
    }
    LOG.debug("pubsub peer {} detached: {}", peer, why);
    GossipsubRouter r = router;
    if (r != null) {
      scheduler.execute(() -> r.detachPeer(peer));
    }
  }

  private static String ipOf(Connection connection) {
    return connection
        .remoteAddress()
        .valueText(Protocol.IP4)
        .or(() -> connection.remoteAddress().valueText(Protocol.IP6))
        .orElse("");
  }
}
