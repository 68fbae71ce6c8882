package io.hyphae.node.p2p;

import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.identify.IdentifyService;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's libp2p host: listens with the node's key, answers identify and ping (built into the
 * host), dials the bootstrap peers, and remembers the listen addresses peers announce (identify) so
 * it can dial a requester again after its connection dropped.
 */
public final class P2pService implements AutoCloseable {

  static final int MAX_REMEMBERED_PEERS = 1024;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(P2pService.class);

  private final Libp2pHost host;
  private final IdentifyService identify;
  private final Map<PeerId, List<Multiaddr>> known =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, List<Multiaddr>> eldest) {
          return size() > MAX_REMEMBERED_PEERS;
        }
      };

  private P2pService(Libp2pHost host) {
    this.host = host;
    this.identify = host.identify();
  }

  /**
   * Starts the host on {@code listenHost:port} with the node's key and dials the bootstrap peers in
   * the background (a dead bootstrap peer is logged, not fatal).
   */
  public static P2pService start(
      NodeIdentity identity, String listenHost, int port, List<String> bootstrap) {
    Multiaddr listen;
    try {
      listen = Multiaddr.tcp(InetAddress.getByName(listenHost), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a literal IP address: " + listenHost, e);
    }
    HostConfig config = HostConfig.defaults(identity.p2pKey()).withListenAddresses(List.of(listen));
    P2pService service = new P2pService(new Libp2pHost(config));
    service.identify.addListener(
        info -> {
          synchronized (service.known) {
            if (!info.listenAddresses().isEmpty()) {
              service.known.put(info.peerId(), List.copyOf(info.listenAddresses()));
            }
          }
        });
    try {
      service.host.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      service.close();
      throw new IllegalStateException(
          "libp2p cannot listen on " + listen + ": " + rootMessage(e), e);
    }
    LOG.info(
        "libp2p peer {} listening on {}", service.host.peerId(), service.host.listenAddresses());
    for (String peer : bootstrap) {
      Multiaddr address = Multiaddr.parse(peer);
      service
          .host
          .dial(address)
          .whenComplete(
              (c, e) -> {
                if (e != null) {
                  LOG.warn("bootstrap peer {} unreachable: {}", peer, rootMessage(e));
                } else {
                  LOG.info("connected to bootstrap peer {}", c.remotePeer());
                }
              });
    }
    return service;
  }

  public Libp2pHost host() {
    return host;
  }

  public PeerId peerId() {
    return host.peerId();
  }

  /** The listen addresses, each with {@code /p2p/<peer id>}. */
  public List<String> listenAddresses() {
    List<String> out = new ArrayList<>();
    for (Multiaddr a : host.listenAddresses()) {
      out.add(a.withPeerId(host.peerId()).toString());
    }
    return out;
  }

  public int connectedPeers() {
    return (int) host.connections().stream().map(Connection::remotePeer).distinct().count();
  }

  /** The listen addresses {@code peer} announced, if it ever identified itself to us. */
  public List<Multiaddr> knownAddresses(PeerId peer) {
    synchronized (known) {
      return known.getOrDefault(peer, List.of());
    }
  }

  /**
   * A connection to {@code peer}: an open one, else a dial of the given addresses (then those it
   * announced), first success wins.
   */
  public CompletableFuture<Connection> connect(PeerId peer, List<Multiaddr> addresses) {
    for (Connection c : host.connections(peer)) {
      if (c.isOpen()) {
        return CompletableFuture.completedFuture(c);
      }
    }
    List<Multiaddr> candidates = new ArrayList<>(addresses);
    for (Multiaddr a : knownAddresses(peer)) {
      if (!candidates.contains(a)) {
        candidates.add(a);
      }
    }
    if (candidates.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no connection to " + peer + " and no address to dial"));
    }
    return dialInTurn(peer, candidates, 0, null);
  }

  private CompletableFuture<Connection> dialInTurn(
      PeerId peer, List<Multiaddr> candidates, int i, Throwable last) {
    if (i >= candidates.size()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "cannot dial " + peer + ": " + (last == null ? "no address" : rootMessage(last))));
    }
    return host.dial(candidates.get(i).withoutPeerId().withPeerId(peer))
        .exceptionallyCompose(e -> dialInTurn(peer, candidates, i + 1, e));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  @Override
  public void close() {
    try {
      host.stop().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("stopping libp2p: {}", rootMessage(e));
    }
  }
}
