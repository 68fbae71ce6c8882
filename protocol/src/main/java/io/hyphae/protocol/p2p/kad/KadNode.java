package io.hyphae.protocol.p2p.kad;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.PeerStore;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.overlay.Scheduler;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.KadProto;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kademlia DHT node in server mode: answers requests ({@link #handleRequest}) and runs
 * iterative lookups. Single-threaded on its scheduler; transport callbacks hop back onto it.
 *
 * <p>Addresses: replies carry the addresses the {@link PeerStore} knows for each peer they name
 * (ours from {@code selfAddresses}); addresses in replies and in ADD_PROVIDER go into the store, so
 * the transport can dial peers a lookup hears of.
 */
public final class KadNode {
  public static final String PROTOCOL_ID = "/ipfs/kad/1.0.0";
  private static final Logger LOG = LoggerFactory.getLogger(KadNode.class);

  private final PeerId self;
  private final KadConfig config;
  private final Scheduler scheduler;
  private final KadTransport transport;
  private final RecordValidator validator;
  private final Random random;
  private final RoutingTable table;
  private final PeerStore peerStore;
  private final Supplier<List<Multiaddr>> selfAddresses;
  private final LinkedHashMap<ByteKey, StoredRecord> records = new LinkedHashMap<>();
  private final LinkedHashMap<ByteKey, LinkedHashMap<PeerId, Long>> providers =
      new LinkedHashMap<>();
  private final Stats stats = new Stats();
  private Scheduler.Cancellable walkTask;

  private record StoredRecord(byte[] value, long expiresAt) {}

  /** Counters for tests and benchmarks. */
  public static final class Stats {
    public long requestsSent;
    public long requestsFailed;
    public long requestsServed;
  }

  public KadNode(
      PeerId self,
      KadConfig config,
      Scheduler scheduler,
      KadTransport transport,
      RecordValidator validator,
      Random random) {
    this(
        self,
        config,
        scheduler,
        transport,
        validator,
        random,
        new PeerStore(scheduler::nowMillis, 1, 1),
        List::of);
  }

  /**
   * A node that shares {@code peerStore} with its host and announces {@code selfAddresses} (read on
   * each use: listen addresses may change).
   */
  public KadNode(
      PeerId self,
      KadConfig config,
      Scheduler scheduler,
      KadTransport transport,
      RecordValidator validator,
      Random random,
      PeerStore peerStore,
      Supplier<List<Multiaddr>> selfAddresses) {
    this.self = self;
    this.peerStore = peerStore;
    this.selfAddresses = selfAddresses;
    this.config = config;
    this.scheduler = scheduler;
    this.transport = transport;
    this.validator = validator;
    this.random = random;
    this.table = new RoutingTable(self, config.k());
  }

  public PeerId peerId() {
    return self;
  }

  public RoutingTable routingTable() {
    return table;
  }

  public Stats stats() {
    return stats;
  }

  // ------------------------------------------------------------------ server side

  /** Answers one request from {@code from}; empty for messages without reply (ADD_PROVIDER). */
  public Optional<KadProto.Message> handleRequest(PeerId from, KadProto.Message req) {
    stats.requestsServed++;
    if (transport.servesDht(from)) {
      table.add(from);
    }
    byte[] key = req.getKey().toByteArray();
    KadProto.Message.Builder reply = KadProto.Message.newBuilder().setType(req.getType());
    switch (req.getType()) {
      case FIND_NODE -> {
        reply.setKey(req.getKey());
        addCloser(reply, KadKey.of(key), from);
      }
      case GET_VALUE -> {
        reply.setKey(req.getKey());
        StoredRecord r = liveRecord(ByteKey.copyOf(key));
        if (r != null) {
          reply.setRecord(
              KadProto.Record.newBuilder()
                  .setKey(req.getKey())
                  .setValue(ByteString.copyFrom(r.value())));
        }
        addCloser(reply, KadKey.of(key), from);
      }
      case PUT_VALUE -> {
        if (!req.hasRecord() || !req.getRecord().getKey().equals(req.getKey())) {
          LOG.debug("kad peer {} sent PUT_VALUE with a missing or mismatched record", from);
          return Optional.empty();
        }
        try {
          store(key, req.getRecord().getValue().toByteArray());
        } catch (KadException e) {
          LOG.debug("kad peer {} sent an invalid record: {}", from, e.getMessage());
          return Optional.empty();
        }
        return Optional.of(req);
      }
      case ADD_PROVIDER -> {
        for (KadProto.Message.Peer p : req.getProviderPeersList()) {
          // Only the sender may announce itself (spec: ignore records not matching the sender).
          if (p.getId().equals(ByteString.copyFrom(from.toBytes()))) {
            addProvider(ByteKey.copyOf(key), from);
            peerStore.addAddresses(from, addresses(p), PeerStore.PROVIDER_TTL_MS);
          }
        }
        return Optional.empty();
      }
      case GET_PROVIDERS -> {
        reply.setKey(req.getKey());
        for (PeerId p : liveProviders(ByteKey.copyOf(key))) {
          if (reply.getProviderPeersCount() >= config.limits().maxPeersPerMessage()) {
            break;
          }
          reply.addProviderPeers(peerInfo(p));
        }
        addCloser(reply, KadKey.of(key), from);
      }
      case PING -> {}
    }
    return Optional.of(reply.build());
  }

  private void addCloser(KadProto.Message.Builder reply, KadKey target, PeerId requester) {
    for (PeerId p : table.closest(target, config.k() + 1)) {
      if (!p.equals(requester) && reply.getCloserPeersCount() < config.k()) {
        reply.addCloserPeers(peerInfo(p));
      }
    }
  }

  /** A peer as replies name it: its id and the addresses we know for it, within the limits. */
  private KadProto.Message.Peer peerInfo(PeerId p) {
    KadProto.Message.Peer.Builder b =
        KadProto.Message.Peer.newBuilder()
            .setId(ByteString.copyFrom(p.toBytes()))
            .setConnection(KadProto.Message.ConnectionType.CAN_CONNECT);
    List<Multiaddr> known = p.equals(self) ? selfAddresses.get() : peerStore.addresses(p);
    for (Multiaddr a : known) {
      if (b.getAddrsCount() >= config.limits().maxAddrsPerPeer()) {
        break;
      }
      byte[] bytes = a.withoutPeerId().toBytes();
      if (bytes.length <= config.limits().maxAddrBytes()) {
        b.addAddrs(ByteString.copyFrom(bytes));
      }
    }
    return b.build();
  }

  /** The addresses a peer entry carries; undecodable ones are skipped. */
  private static List<Multiaddr> addresses(KadProto.Message.Peer info) {
    List<Multiaddr> out = new ArrayList<>(info.getAddrsCount());
    for (ByteString a : info.getAddrsList()) {
      try {
        out.add(Multiaddr.fromBytes(a.toByteArray()));
      } catch (RuntimeException e) {
        // a transport we do not know: leave it out
      }
    }
    return out;
  }

  private void store(byte[] key, byte[] value) {
    validator.validate(key, value);
    ByteKey k = ByteKey.copyOf(key);
    StoredRecord existing = liveRecord(k);
    if (existing != null
        && validator.select(key, List.of(existing.value(), value)) == 0
        && !java.util.Arrays.equals(existing.value(), value)) {
      return;
    }
    records.remove(k);
    records.put(k, new StoredRecord(value.clone(), scheduler.nowMillis() + config.recordTtlMs()));
    while (records.size() > config.maxRecords()) {
      Iterator<ByteKey> it = records.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  private StoredRecord liveRecord(ByteKey k) {
    StoredRecord r = records.get(k);
    if (r != null && r.expiresAt() <= scheduler.nowMillis()) {
      records.remove(k);
      return null;
    }
    return r;
  }

  private void addProvider(ByteKey key, PeerId provider) {
    LinkedHashMap<PeerId, Long> set = providers.get(key);
    if (set == null) {
      if (providers.size() >= config.maxProviderKeys()) {
        Iterator<ByteKey> it = providers.keySet().iterator();
        it.next();
        it.remove();
      }
      set = new LinkedHashMap<>();
      providers.put(key, set);
    }
    set.remove(provider);
    set.put(provider, scheduler.nowMillis() + config.providerTtlMs());
    while (set.size() > config.maxProvidersPerKey()) {
      Iterator<PeerId> it = set.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  private List<PeerId> liveProviders(ByteKey key) {
    LinkedHashMap<PeerId, Long> set = providers.get(key);
    if (set == null) {
      return List.of();
    }
    long now = scheduler.nowMillis();
    set.values().removeIf(exp -> exp <= now);
    if (set.isEmpty()) {
      providers.remove(key);
      return List.of();
    }
    List<PeerId> out = new ArrayList<>(set.keySet());
    java.util.Collections.reverse(out);
    return out;
  }

  // ------------------------------------------------------------------ client side

  /** Adds the bootstrap peers and looks ourselves up to fill the routing table. */
  public CompletableFuture<List<PeerId>> bootstrap(Collection<PeerId> peers) {
    for (PeerId p : peers) {
      table.add(p);
    }
    return findClosestPeers(self.toBytes());
  }

  /** Starts periodic random walks (a lookup of a random peer id) to keep buckets fresh. */
  public void startRandomWalk() {
    walkTask =
        scheduler.schedule(
            config.randomWalkIntervalMs(),
            () -> {
              byte[] id = new byte[34];
              random.nextBytes(id);
              id[0] = 0x12;
              id[1] = 0x20;
              findClosestPeers(id);
              startRandomWalk();
            });
  }

  public void stop() {
    if (walkTask != null) {
      walkTask.cancel();
    }
  }

  /** Iterative FIND_NODE: the k closest live peers to {@code key}. */
  public CompletableFuture<List<PeerId>> findClosestPeers(byte[] key) {
    Lookup l = new Lookup(KadProto.Message.MessageType.FIND_NODE, key, Integer.MAX_VALUE);
    l.start();
    return l.result.thenApply(r -> r.closest);
  }

  /**
   * Looks {@code peer} up in the DHT (FIND_NODE for its id, ending as soon as a reply names it with
   * addresses) and returns the addresses then known for it, freshest first; fails with NOT_FOUND
   * when no peer knew any.
   */
  public CompletableFuture<List<Multiaddr>> findPeer(PeerId peer) {
    Lookup l = new Lookup(KadProto.Message.MessageType.FIND_NODE, peer.toBytes(), 1);
    l.soughtPeer = peer;
    l.start();
    return l.result.thenApply(
        r -> {
          List<Multiaddr> known = peerStore.addresses(peer);
          if (known.isEmpty()) {
            throw new KadException(KadException.Reason.NOT_FOUND, "no address found for " + peer);
          }
          return known;
        });
  }

  /** Stores a record locally and on the k closest peers; completes with the count that took it. */
  public CompletableFuture<Integer> putValue(byte[] key, byte[] value) {
    store(key, value);
    KadProto.Message put =
        KadProto.Message.newBuilder()
            .setType(KadProto.Message.MessageType.PUT_VALUE)
            .setKey(ByteString.copyFrom(key))
            .setRecord(
                KadProto.Record.newBuilder()
                    .setKey(ByteString.copyFrom(key))
                    .setValue(ByteString.copyFrom(value)))
            .build();
    return findClosestPeers(key)
        .thenCompose(
            closest -> {
              List<CompletableFuture<Boolean>> acks = new ArrayList<>();
              for (PeerId p : closest) {
                acks.add(request(p, put).handle((r, e) -> e == null));
              }
              return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                  .thenApply(v -> (int) acks.stream().filter(a -> a.getNow(false)).count());
            });
  }

  /** Finds the best valid value for {@code key}; fails with NOT_FOUND when no peer has one. */
  public CompletableFuture<byte[]> getValue(byte[] key) {
    StoredRecord local = liveRecord(ByteKey.copyOf(key));
    Lookup l = new Lookup(KadProto.Message.MessageType.GET_VALUE, key, 1);
    l.start();
    return l.result.thenApply(
        r -> {
          List<byte[]> values = new ArrayList<>(r.values);
          if (local != null) {
            values.add(local.value());
          }
          if (values.isEmpty()) {
            throw new KadException(KadException.Reason.NOT_FOUND, "no record for the key");
          }
          return values.get(validator.select(key, values));
        });
  }

  /** Announces that we provide {@code multihash} to the k closest peers (no replies expected). */
  public CompletableFuture<List<PeerId>> provide(byte[] multihash) {
    addProvider(ByteKey.copyOf(multihash), self);
    KadProto.Message add =
        KadProto.Message.newBuilder()
            .setType(KadProto.Message.MessageType.ADD_PROVIDER)
            .setKey(ByteString.copyFrom(multihash))
            .addProviderPeers(peerInfo(self))
            .build();
    return findClosestPeers(multihash)
        .thenApply(
            closest -> {
              for (PeerId p : closest) {
                transport.send(p, add);
              }
              return closest;
            });
  }

  /** Finds up to {@code count} providers of {@code multihash}. */
  public CompletableFuture<List<PeerId>> findProviders(byte[] multihash, int count) {
    Set<PeerId> found = new LinkedHashSet<>(liveProviders(ByteKey.copyOf(multihash)));
    if (found.size() >= count) {
      return CompletableFuture.completedFuture(new ArrayList<>(found).subList(0, count));
    }
    Lookup l = new Lookup(KadProto.Message.MessageType.GET_PROVIDERS, multihash, count);
    l.providers.addAll(found);
    l.start();
    return l.result.thenApply(
        r -> {
          List<PeerId> out = new ArrayList<>(r.providers);
          return out.size() > count ? out.subList(0, count) : out;
        });
  }

  private CompletableFuture<KadProto.Message> request(PeerId peer, KadProto.Message msg) {
    stats.requestsSent++;
    CompletableFuture<KadProto.Message> out = new CompletableFuture<>();
    Scheduler.Cancellable timeout =
        scheduler.schedule(
            config.requestTimeoutMs(),
            () ->
                out.completeExceptionally(
                    new KadException(KadException.Reason.TIMEOUT, "timeout")));
    CompletableFuture<KadProto.Message> sent;
    try {
      sent = transport.request(peer, msg);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (r, e) ->
            scheduler.execute(
                () -> {
                  timeout.cancel();
                  if (e != null) {
                    out.completeExceptionally(e);
                  } else if (r.getType() != msg.getType()) {
                    out.completeExceptionally(
                        new KadException(KadException.Reason.BAD_RESPONSE, "wrong reply type"));
                  } else {
                    out.complete(r);
                  }
                }));
    return out.whenComplete(
        (r, e) -> {
          if (e != null) {
            stats.requestsFailed++;
            table.remove(peer);
          } else {
            table.add(peer);
          }
        });
  }

  /** Result of an iterative lookup. */
  private record LookupResult(List<PeerId> closest, List<byte[]> values, Set<PeerId> providers) {}

  private enum PeerState {
    HEARD,
    WAITING,
    QUERIED,
    FAILED
  }

  /** One iterative lookup: alpha requests in flight, ends when the k closest have all answered. */
  private final class Lookup {
    final KadProto.Message.MessageType type;
    final byte[] key;
    final KadKey target;
    final int wanted;
    final TreeMap<BigInteger, PeerId> byDistance = new TreeMap<>();
    final Map<PeerId, PeerState> state = new HashMap<>();
    final List<byte[]> values = new ArrayList<>();
    final Set<PeerId> providers = new LinkedHashSet<>();
    final CompletableFuture<LookupResult> result = new CompletableFuture<>();
    int inFlight;
    // findPeer: the peer sought, and whether a reply named it with addresses
    PeerId soughtPeer;
    boolean targetFound;

    Lookup(KadProto.Message.MessageType type, byte[] key, int wanted) {
      this.type = type;
      this.key = key.clone();
      this.target = KadKey.of(key);
      this.wanted = wanted;
    }

    void start() {
      for (PeerId p : table.closest(target, config.k())) {
        heard(p);
      }
      step();
    }

    void heard(PeerId p) {
      if (p.equals(self) || state.containsKey(p) || state.size() >= config.k() * 50) {
        return;
      }
      state.put(p, PeerState.HEARD);
      byDistance.put(KadKey.of(p).distance(target), p);
    }

    boolean satisfied() {
      return switch (type) {
        case GET_VALUE -> values.size() >= wanted;
        case GET_PROVIDERS -> providers.size() >= wanted;
        case FIND_NODE -> targetFound;
        default -> false;
      };
    }

    void step() {
      if (result.isDone()) {
        return;
      }
      if (satisfied()) {
        finish();
        return;
      }
      int seen = 0;
      boolean pendingAmongClosest = false;
      for (PeerId p : byDistance.values()) {
        PeerState s = state.get(p);
        if (s == PeerState.FAILED) {
          continue;
        }
        if (seen++ >= config.k()) {
          break;
        }
        if (s == PeerState.HEARD && inFlight < config.alpha()) {
          query(p);
        }
        if (state.get(p) != PeerState.QUERIED) {
          pendingAmongClosest = true;
        }
      }
      if (!pendingAmongClosest && inFlight == 0) {
        finish();
      }
    }

    void query(PeerId p) {
      state.put(p, PeerState.WAITING);
      inFlight++;
      KadProto.Message req =
          KadProto.Message.newBuilder().setType(type).setKey(ByteString.copyFrom(key)).build();
      request(p, req)
          .whenComplete(
              (reply, e) -> {
                inFlight--;
                if (e != null) {
                  state.put(p, PeerState.FAILED);
                } else {
                  state.put(p, PeerState.QUERIED);
                  absorb(p, reply);
                }
                step();
              });
    }

    void absorb(PeerId from, KadProto.Message reply) {
      for (KadProto.Message.Peer info : reply.getCloserPeersList()) {
        PeerId p;
        try {
          p = PeerId.fromBytes(info.getId().toByteArray());
        } catch (IllegalArgumentException e) {
          LOG.debug("kad peer {} returned a malformed peer id", from);
          continue;
        }
        // Before heard(): querying p may need its addresses.
        List<Multiaddr> addrs = addresses(info);
        if (!p.equals(self)) {
          peerStore.addAddresses(p, addrs, PeerStore.TEMP_TTL_MS);
        }
        if (p.equals(soughtPeer) && !addrs.isEmpty()) {
          targetFound = true;
        }
        heard(p);
      }
      if (type == KadProto.Message.MessageType.GET_VALUE && reply.hasRecord()) {
        byte[] v = reply.getRecord().getValue().toByteArray();
        try {
          validator.validate(key, v);
          values.add(v);
        } catch (KadException e) {
          LOG.debug("kad peer {} returned an invalid record", from);
        }
      }
      if (type == KadProto.Message.MessageType.GET_PROVIDERS) {
        for (KadProto.Message.Peer info : reply.getProviderPeersList()) {
          try {
            PeerId p = PeerId.fromBytes(info.getId().toByteArray());
            providers.add(p);
            if (!p.equals(self)) {
              peerStore.addAddresses(p, addresses(info), PeerStore.TEMP_TTL_MS);
            }
          } catch (IllegalArgumentException e) {
            LOG.debug("kad peer {} returned a malformed provider id", from);
          }
        }
      }
    }

    void finish() {
      List<PeerId> closest = new ArrayList<>();
      for (PeerId p : byDistance.values()) {
        if (state.get(p) == PeerState.QUERIED) {
          closest.add(p);
          if (closest.size() >= config.k()) {
            break;
          }
        }
      }
      result.complete(new LookupResult(closest, values, providers));
    }
  }
}
