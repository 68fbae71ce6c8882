package io.hyphae.protocol.p2p.kad;

import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.PeerStore;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.p2p.overlay.SimulatedScheduler;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.KadProto;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * DHT nodes on one {@link SimulatedScheduler}: each request and reply is encoded to its frame,
 * delayed by the link latency and decoded by the receiver, as on a stream. A request to a node that
 * left fails as UNREACHABLE after one latency; a malformed reply fails as BAD_RESPONSE.
 */
public final class InMemoryKadNetwork {
  private final SimulatedScheduler scheduler;
  private final Random random;
  private final long latencyMs;
  private final Map<PeerId, KadNode> nodes = new LinkedHashMap<>();
  private final Map<PeerId, KadCodec> codecs = new LinkedHashMap<>();

  public InMemoryKadNetwork(SimulatedScheduler scheduler, Random random, long latencyMs) {
    this.scheduler = scheduler;
    this.random = random;
    this.latencyMs = latencyMs;
  }

  public KadNode addNode(PeerId id, KadConfig config, RecordValidator validator) {
    return addNode(id, config, validator, new PeerStore(scheduler::nowMillis, 1, 1), List::of);
  }

  /** A node with its own address book and announced addresses (addresses are not dialed here). */
  public KadNode addNode(
      PeerId id,
      KadConfig config,
      RecordValidator validator,
      PeerStore peerStore,
      Supplier<List<Multiaddr>> selfAddresses) {
    KadCodec codec = new KadCodec(config.limits());
    KadTransport transport =
        new KadTransport() {
          @Override
          public CompletableFuture<KadProto.Message> request(PeerId peer, KadProto.Message req) {
            CompletableFuture<KadProto.Message> reply = new CompletableFuture<>();
            byte[] frame = codec.encodeFrame(req);
            scheduler.schedule(latencyMs, () -> serve(id, peer, frame, reply));
            return reply;
          }

          @Override
          public void send(PeerId peer, KadProto.Message message) {
            byte[] frame = codec.encodeFrame(message);
            scheduler.schedule(latencyMs, () -> serve(id, peer, frame, null));
          }
        };
    KadNode node =
        new KadNode(
            id,
            config,
            scheduler,
            transport,
            validator,
            new Random(random.nextLong()),
            peerStore,
            selfAddresses);
    nodes.put(id, node);
    codecs.put(id, codec);
    return node;
  }

  private void serve(
      PeerId from, PeerId to, byte[] frame, CompletableFuture<KadProto.Message> reply) {
    KadNode server = nodes.get(to);
    KadCodec serverCodec = codecs.get(to);
    if (server == null) {
      if (reply != null) {
        reply.completeExceptionally(new KadException(KadException.Reason.UNREACHABLE, "gone"));
      }
      return;
    }
    Optional<KadProto.Message> answer;
    try {
      answer = server.handleRequest(from, serverCodec.decodeFrame(frame));
    } catch (FrameException e) {
      answer = Optional.empty();
    }
    if (reply == null) {
      return;
    }
    if (answer.isEmpty()) {
      reply.completeExceptionally(new KadException(KadException.Reason.BAD_RESPONSE, "no reply"));
      return;
    }
    byte[] back = serverCodec.encodeFrame(answer.get());
    scheduler.schedule(
        latencyMs,
        () -> {
          KadCodec clientCodec = codecs.get(from);
          if (clientCodec == null) {
            return;
          }
          try {
            reply.complete(clientCodec.decodeFrame(back));
          } catch (FrameException e) {
            reply.completeExceptionally(
                new KadException(KadException.Reason.BAD_RESPONSE, e.getMessage()));
          }
        });
  }

  public void removeNode(PeerId id) {
    KadNode n = nodes.remove(id);
    codecs.remove(id);
    if (n != null) {
      n.stop();
    }
  }

  public KadNode node(PeerId id) {
    return nodes.get(id);
  }

  public Collection<KadNode> nodes() {
    return List.copyOf(nodes.values());
  }
}
