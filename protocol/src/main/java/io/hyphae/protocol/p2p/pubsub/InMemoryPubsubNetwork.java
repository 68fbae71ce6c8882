package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.p2p.overlay.SimulatedScheduler;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An in-memory network of gossipsub routers on one {@link SimulatedScheduler}: every RPC is encoded
 * to its length-prefixed frame, carried with a per-link latency and decoded by the receiver's
 * codec, exactly as a stream would carry it. Links have a bounded number of frames in flight;
 * excess frames are dropped and counted. Used by the multi-node tests and by {@code hyphae bench
 * gossip}.
 */
public final class InMemoryPubsubNetwork {
  private final SimulatedScheduler scheduler;
  private final Random random;
  private final long baseLatencyMs;
  private final long jitterMs;
  private final int maxInFlightPerLink;
  private final Map<PeerId, Node> nodes = new LinkedHashMap<>();
  private LinkFilter filter = (from, to, rpc) -> true;

  /** Decides whether an RPC travels (tests use it to model loss). */
  @FunctionalInterface
  public interface LinkFilter {
    boolean pass(PeerId from, PeerId to, PubsubProto.RPC rpc);
  }

  public void setFilter(LinkFilter filter) {
    this.filter = filter;
  }

  public InMemoryPubsubNetwork(
      SimulatedScheduler scheduler,
      Random random,
      long baseLatencyMs,
      long jitterMs,
      int maxInFlightPerLink) {
    this.scheduler = scheduler;
    this.random = random;
    this.baseLatencyMs = baseLatencyMs;
    this.jitterMs = jitterMs;
    this.maxInFlightPerLink = maxInFlightPerLink;
  }

  /** One node: its router, codec, links and traffic counters. */
  public final class Node implements PubsubTransport {
    private final PeerId id;
    private final String ip;
    private final List<String> protocols;
    private final RpcCodec codec;
    private final Map<PeerId, Integer> links = new HashMap<>();
    private GossipsubRouter router;
    private long framesSent;
    private long bytesSent;
    private long framesDropped;

    Node(PeerId id, String ip, List<String> protocols, RpcLimits limits) {
      this.id = id;
      this.ip = ip;
      this.protocols = List.copyOf(protocols);
      this.codec = new RpcCodec(limits);
    }

    public PeerId id() {
      return id;
    }

    public GossipsubRouter router() {
      return router;
    }

    public long framesSent() {
      return framesSent;
    }

    public long bytesSent() {
      return bytesSent;
    }

    public long framesDropped() {
      return framesDropped;
    }

    public Set<PeerId> connections() {
      return Set.copyOf(links.keySet());
    }

    @Override
    public boolean send(PeerId peer, PubsubProto.RPC rpc) {
      if (!filter.pass(id, peer, rpc)) {
        framesDropped++;
        return false;
      }
      return sendFrame(peer, codec.encodeFrame(rpc));
    }

    /** Sends raw bytes as a frame (tests use it to inject garbage). */
    public boolean sendFrame(PeerId peer, byte[] frame) {
      Node to = nodes.get(peer);
      Integer inFlight = links.get(peer);
      if (to == null || inFlight == null) {
        return false;
      }
      if (inFlight >= maxInFlightPerLink) {
        framesDropped++;
        return false;
      }
      links.put(peer, inFlight + 1);
      framesSent++;
      bytesSent += frame.length;
      long delay = baseLatencyMs + (jitterMs > 0 ? random.nextLong(jitterMs + 1) : 0);
      scheduler.schedule(delay, () -> deliver(this, to, frame));
      return true;
    }

    @Override
    public void connect(PeerId peer) {
      scheduler.schedule(baseLatencyMs, () -> InMemoryPubsubNetwork.this.connect(id, peer));
    }
  }

  private void deliver(Node from, Node to, byte[] frame) {
    Integer inFlight = from.links.get(to.id);
    if (inFlight == null || !nodes.containsKey(to.id)) {
      return;
    }
    from.links.put(to.id, inFlight - 1);
    PubsubProto.RPC rpc;
    try {
      rpc = to.codec.decodeFrame(frame);
    } catch (FrameException e) {
      to.router.handleMalformedRpc(from.id, e.getMessage());
      return;
    }
    to.router.handleRpc(from.id, rpc);
  }

  /** Adds a node and starts its router. */
  public Node addNode(
      PrivKey key,
      GossipsubConfig config,
      PeerScoreParams scoreParams,
      PeerScoreThresholds thresholds,
      String ip,
      List<String> protocols) {
    Node node = new Node(PeerId.fromPublicKey(key.publicKey()), ip, protocols, config.limits());
    node.router =
        new GossipsubRouter(
            key, config, scoreParams, thresholds, scheduler, node, new Random(random.nextLong()));
    nodes.put(node.id, node);
    node.router.start();
    return node;
  }

  /** {@code dialer} connects to {@code listener}; no-op when either is absent or already linked. */
  public boolean connect(PeerId dialer, PeerId listener) {
    Node a = nodes.get(dialer);
    Node b = nodes.get(listener);
    if (a == null || b == null || a == b || a.links.containsKey(listener)) {
      return false;
    }
    String protocol = null;
    for (String p : a.protocols) {
      if (b.protocols.contains(p)) {
        protocol = p;
        break;
      }
    }
    if (protocol == null) {
      return false;
    }
    a.links.put(listener, 0);
    b.links.put(dialer, 0);
    a.router.attachPeer(listener, protocol, true, b.ip);
    b.router.attachPeer(dialer, protocol, false, a.ip);
    return true;
  }

  public void disconnect(PeerId x, PeerId y) {
    Node a = nodes.get(x);
    Node b = nodes.get(y);
    if (a == null || b == null || a.links.remove(y) == null) {
      return;
    }
    b.links.remove(x);
    a.router.detachPeer(y);
    b.router.detachPeer(x);
  }

  /** Stops a node and drops all its links (the node leaves the network). */
  public void removeNode(PeerId id) {
    Node n = nodes.get(id);
    if (n == null) {
      return;
    }
    for (PeerId other : new HashSet<>(n.links.keySet())) {
      disconnect(id, other);
    }
    n.router.stop();
    nodes.remove(id);
  }

  /** Connects every node to {@code degree} random others (dialing outbound). */
  public void connectRandomly(int degree) {
    List<PeerId> ids = new ArrayList<>(nodes.keySet());
    for (PeerId id : ids) {
      int tries = 0;
      while (nodes.get(id).links.size() < degree && tries++ < degree * 10) {
        connect(id, ids.get(random.nextInt(ids.size())));
      }
    }
  }

  public Node node(PeerId id) {
    return nodes.get(id);
  }

  public Collection<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  public SimulatedScheduler scheduler() {
    return scheduler;
  }
}
