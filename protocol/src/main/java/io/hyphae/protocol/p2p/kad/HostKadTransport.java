package io.hyphae.protocol.p2p.kad;

import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.LengthPrefixedReader;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReads;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.p2p.overlay.Scheduler;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.KadProto;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kademlia on a libp2p {@link Host}: serves {@code /ipfs/kad/1.0.0} (each request on an inbound
 * stream answered in order, on the node's scheduler thread) and sends each of our requests on a
 * stream of its own: one varint-length-prefixed message, half-close, one reply. A peer we are not
 * connected to is dialed at the addresses the host's {@link io.hyphae.protocol.p2p.PeerStore} knows
 * (learned from identify and from DHT replies); with none, or none answering, the request fails as
 * UNREACHABLE.
 */
public final class HostKadTransport implements KadTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HostKadTransport.class);
  private static final List<String> PROTOCOLS = List.of(KadNode.PROTOCOL_ID);

  private final Host host;
  private final Scheduler scheduler;
  private final KadCodec codec;
  private final KadLimits limits;
  private final Duration timeout;
  private volatile KadNode node;

  public HostKadTransport(Host host, Scheduler scheduler, KadLimits limits, Duration timeout) {
    this.host = host;
    this.scheduler = scheduler;
    this.codec = new KadCodec(limits);
    this.limits = limits;
    this.timeout = timeout;
  }

  /** Serves {@code node} (built with this transport) on the host. */
  public void start(KadNode node) {
    this.node = node;
    host.setStreamHandler(KadNode.PROTOCOL_ID, this::onInboundStream);
  }

  public void stop() {
    host.removeStreamHandler(KadNode.PROTOCOL_ID);
  }

  @Override
  public CompletableFuture<KadProto.Message> request(PeerId peer, KadProto.Message request) {
    byte[] frame = codec.encodeFrame(request);
    return host.connect(peer)
        .thenCompose(c -> c.newStream(PROTOCOLS))
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    new KadException(KadException.Reason.UNREACHABLE, e.getMessage())))
        .thenCompose(
            stream -> {
              CompletableFuture<byte[]> reply =
                  StreamReads.lengthPrefixed(stream, limits.maxFrameBytes(), timeout);
              stream.write(frame).thenCompose(v -> stream.closeWrite());
              return reply.handle(
                  (body, e) -> {
                    if (e != null) {
                      stream.reset();
                      throw new KadException(KadException.Reason.UNREACHABLE, e.getMessage());
                    }
                    try {
                      return codec.decode(body);
                    } catch (FrameException fe) {
                      stream.reset();
                      throw new KadException(KadException.Reason.BAD_RESPONSE, fe.getMessage());
                    }
                  });
            });
  }

  @Override
  public void send(PeerId peer, KadProto.Message message) {
    byte[] frame = codec.encodeFrame(message);
    host.connect(peer)
        .thenCompose(c -> c.newStream(PROTOCOLS))
        .thenCompose(stream -> stream.write(frame).thenCompose(v -> stream.closeWrite()))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                LOG.debug("kad message to {} not sent: {}", peer, e.getMessage());
              }
            });
  }

  /** Per identify, when the peer has been identified: does it list {@code /ipfs/kad/1.0.0}? */
  @Override
  public boolean servesDht(PeerId peer) {
    if (host instanceof Libp2pHost libp2p) {
      return libp2p
          .identify()
          .info(peer)
          .map(info -> info.protocols().contains(KadNode.PROTOCOL_ID))
          .orElse(true);
    }
    return true;
  }

  private void onInboundStream(Stream stream) {
    KadNode n = node;
    PeerId from = stream.connection().remotePeer();
    stream.setReader(
        new LengthPrefixedReader(
            limits.maxFrameBytes(),
            new LengthPrefixedReader.Listener() {
              @Override
              public void onMessage(Stream s, byte[] body) {
                KadProto.Message request;
                try {
                  request = codec.decode(body);
                } catch (FrameException e) {
                  LOG.debug("kad peer {} sent a malformed request: {}", from, e.getMessage());
                  s.reset();
                  return;
                }
                scheduler.execute(
                    () -> {
                      Optional<KadProto.Message> reply = n.handleRequest(from, request);
                      reply.ifPresent(r -> s.write(codec.encodeFrame(r)));
                    });
              }

              @Override
              public void onMalformed(Stream s, String why) {
                LOG.debug("kad peer {} sent a malformed frame: {}", from, why);
              }

              @Override
              public void onRemoteClose(Stream s) {
                // After the replies already queued on the scheduler thread.
                scheduler.execute(s::closeWrite);
              }
            }));
  }
}
