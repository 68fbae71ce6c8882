package io.hyphae.protocol.market;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.Secp256k1PubKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.identify.IdentifyInfo;
import io.hyphae.protocol.p2p.kad.HostKadTransport;
import io.hyphae.protocol.p2p.kad.KadConfig;
import io.hyphae.protocol.p2p.kad.KadNode;
import io.hyphae.protocol.p2p.kad.RecordValidator;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.overlay.ExecutorScheduler;
import io.hyphae.protocol.p2p.overlay.Scheduler;
import io.hyphae.protocol.p2p.pubsub.GossipsubConfig;
import io.hyphae.protocol.p2p.pubsub.GossipsubRouter;
import io.hyphae.protocol.p2p.pubsub.HostPubsubTransport;
import io.hyphae.protocol.p2p.pubsub.PeerScoreParams;
import io.hyphae.protocol.p2p.pubsub.PeerScoreThresholds;
import io.hyphae.protocol.p2p.pubsub.RpcLimits;
import io.hyphae.protocol.p2p.pubsub.TopicScoreParams;
import io.hyphae.protocol.p2p.reqresp.MessageCodec;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.p2p.reqresp.RequestResponseProtocol;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.MarketProto;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Market discovery on a started libp2p {@link Host}, in one object a node or a command starts:
 * gossipsub with the capacity-ad topic ({@link CapacityMarket}), the Kademlia DHT, the ads snapshot
 * protocol ({@value #ADS_PROTOCOL}) and the dialing of bootstrap peers. It offers the market view,
 * periodic publishing of our own capacity ad, model provider records, and finding and reaching
 * peers by id.
 *
 * <p>Threading: the router, the market and the DHT run on one thread of their own; every method may
 * be called from any thread and returns a future that completes on that thread (do not block in its
 * callbacks). Every future completes or fails within the configured timeouts.
 */
public final class DiscoveryNode implements AutoCloseable {
  /** The ads snapshot protocol: a joining node asks a peer for the ads it holds. */
  public static final String ADS_PROTOCOL = "/hyphae/market/ads/1.0.0";

  /** Largest snapshot answer. */
  static final int MAX_SNAPSHOT_BYTES = 4 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryNode.class);

  /**
   * How the node runs.
   *
   * @param bootstrap peers to dial at start, each ending in {@code /p2p/<peer id>}
   * @param adLifetime the lifetime of our ads; each is republished at half its life
   * @param reprovideInterval how often model provider records are announced again
   * @param bootstrapRetry while no peer is connected, how often the bootstrap peers are redialed
   * @param requestTimeout dials, snapshot requests and DHT requests
   * @param gossipsub router parameters
   * @param kad DHT parameters
   * @param adLimits capacity ad limits
   */
  public record Config(
      List<Multiaddr> bootstrap,
      Duration adLifetime,
      Duration reprovideInterval,
      Duration bootstrapRetry,
      Duration requestTimeout,
      GossipsubConfig gossipsub,
      KadConfig kad,
      AdLimits adLimits) {

    public Config {
      bootstrap = List.copyOf(bootstrap);
      for (Multiaddr a : bootstrap) {
        if (a.peerId().isEmpty()) {
          throw new IllegalArgumentException("a bootstrap address needs /p2p/<peer id>: " + a);
        }
      }
      Objects.requireNonNull(gossipsub);
      Objects.requireNonNull(kad);
      Objects.requireNonNull(adLimits);
      for (Duration d : List.of(adLifetime, reprovideInterval, bootstrapRetry, requestTimeout)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("durations must be positive");
        }
      }
      if (adLifetime.toMillis() > adLimits.maxTtlMs()) {
        throw new IllegalArgumentException("adLifetime exceeds the ad lifetime limit");
      }
      if (adLifetime.toMillis() / 2 < adLimits.minIntervalMs()) {
        throw new IllegalArgumentException("adLifetime must be at least twice the ad interval");
      }
    }

    /** Ads live 10 min, records are reprovided every 12 h, bootstrap retried every 30 s. */
    public static Config defaults(List<Multiaddr> bootstrap) {
      return new Config(
          bootstrap,
          Duration.ofMinutes(10),
          Duration.ofHours(12),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          GossipsubConfig.defaults(),
          KadConfig.defaults(),
          AdLimits.defaults());
    }

    public Config withAdLifetime(Duration value) {
      return new Config(
          bootstrap,
          value,
          reprovideInterval,
          bootstrapRetry,
          requestTimeout,
          gossipsub,
          kad,
          adLimits);
    }

    public Config withRequestTimeout(Duration value) {
      return new Config(
          bootstrap,
          adLifetime,
          reprovideInterval,
          bootstrapRetry,
          value,
          gossipsub,
          kad,
          adLimits);
    }
  }

  /** What a provider advertises now; the node adds identity, times and the sequence number. */
  public record Capacity(
      CapacityAd.Hardware hardware,
      List<CapacityAd.ModelOffer> models,
      int freeSlots,
      BigInteger stakeWei) {
    public Capacity {
      models = List.copyOf(models);
    }
  }

  private final Host host;
  private final PrivKey identity;
  private final Config config;
  private final ExecutorScheduler scheduler;
  private final HostPubsubTransport pubsub;
  private final HostKadTransport kadTransport;
  private final RequestResponse<MarketProto.AdsRequest, MarketProto.AdsResponse> snapshots;
  private final byte[] ethAddress;
  // Owned by the scheduler thread:
  private GossipsubRouter router;
  private CapacityMarket market;
  private KadNode kad;
  private final Map<ByteKey, Scheduler.Cancellable> announced = new LinkedHashMap<>();
  private Supplier<Capacity> capacity;
  private Scheduler.Cancellable nextAd;
  private long lastAdAtMs = Long.MIN_VALUE / 2;
  private long lastSequence;
  private Scheduler.Cancellable bootstrapTask;
  private volatile List<PeerId> reachedBootstrapPeers = List.of();
  private volatile boolean stopped;
  private final Consumer<IdentifyInfo> dhtServers = this::onIdentified;

  private DiscoveryNode(Host host, PrivKey identity, Config config) {
    this.host = host;
    this.identity = identity;
    this.config = config;
    if (!(identity.publicKey() instanceof Secp256k1PubKey secp)) {
      throw new IllegalArgumentException("capacity ads need a secp256k1 identity");
    }
    if (!PeerId.fromPublicKey(secp).equals(host.peerId())) {
      throw new IllegalArgumentException("the identity is not the host's key");
    }
    this.ethAddress = secp.ethereumAddress();
    this.scheduler = new ExecutorScheduler("discovery-" + host.peerId().toBase58());
    this.pubsub = new HostPubsubTransport(host, scheduler, RpcLimits.defaults());
    this.kadTransport =
        new HostKadTransport(host, scheduler, config.kad().limits(), config.requestTimeout());
    this.snapshots =
        new RequestResponse<>(
            host,
            new RequestResponseProtocol<>(
                ADS_PROTOCOL,
                MessageCodec.protobuf(MarketProto.AdsRequest.parser()),
                MessageCodec.protobuf(MarketProto.AdsResponse.parser()),
                1024,
                MAX_SNAPSHOT_BYTES,
                config.requestTimeout(),
                8));
  }

  /**
   * Starts discovery on {@code host} (started, with {@code identity} as its key): serves gossipsub,
   * the DHT and ads snapshots, dials the bootstrap peers, takes their ads snapshots and starts the
   * DHT bootstrap in the background. Completes once the bootstrap peers were dialed and asked (it
   * does not fail when none answers: see {@link #reachedBootstrapPeers()}).
   */
  public static CompletableFuture<DiscoveryNode> start(Host host, PrivKey identity, Config config) {
    DiscoveryNode node;
    try {
      node = new DiscoveryNode(host, identity, config);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return node.run(() -> node.build())
        .thenCompose(v -> node.joinBootstrapPeers())
        .thenApply(v -> node);
  }

  private Void build() {
    Random random = new Random(new SecureRandom().nextLong());
    router =
        new GossipsubRouter(
            identity,
            config.gossipsub(),
            PeerScoreParams.defaults(Map.of(CapacityMarket.TOPIC, TopicScoreParams.lowRateTopic())),
            PeerScoreThresholds.defaults(),
            scheduler,
            pubsub,
            random);
    market = new CapacityMarket(router, config.adLimits(), System::currentTimeMillis);
    kad =
        new KadNode(
            host.peerId(),
            config.kad(),
            scheduler,
            kadTransport,
            RecordValidator.namespaced(Map.of()),
            random,
            host.peerStore(),
            host::listenAddresses);
    router.start();
    pubsub.start(router);
    kadTransport.start(kad);
    snapshots.serve((from, request) -> run(() -> snapshot(request)));
    if (host instanceof Libp2pHost libp2p) {
      // As libp2p's DHT does: connected peers that serve the DHT join the routing table.
      libp2p.identify().addListener(dhtServers);
    }
    kad.startRandomWalk();
    return null;
  }

  private void onIdentified(IdentifyInfo info) {
    if (info.protocols().contains(KadNode.PROTOCOL_ID)) {
      scheduler.execute(() -> kad.routingTable().add(info.peerId()));
    }
  }

  // ------------------------------------------------------------------ bootstrap

  private CompletableFuture<Void> joinBootstrapPeers() {
    List<CompletableFuture<PeerId>> dials = new ArrayList<>();
    for (Multiaddr a : config.bootstrap()) {
      dials.add(
          host.dial(a)
              .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .handle(
                  (c, e) -> {
                    if (e != null) {
                      LOG.debug("bootstrap peer {} unreachable: {}", a, e.toString());
                      return null;
                    }
                    return c.remotePeer();
                  }));
    }
    return CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              List<PeerId> reached = new ArrayList<>();
              for (CompletableFuture<PeerId> d : dials) {
                PeerId p = d.getNow(null);
                if (p != null && !reached.contains(p)) {
                  reached.add(p);
                }
              }
              reachedBootstrapPeers = List.copyOf(reached);
              scheduler.execute(
                  () -> {
                    kad.bootstrap(reached)
                        .whenComplete(
                            (found, e) ->
                                LOG.debug(
                                    "DHT bootstrap: {}",
                                    e != null ? e.toString() : found.size() + " peers"));
                    scheduleBootstrapRetry();
                  });
              List<CompletableFuture<Void>> asks = new ArrayList<>();
              for (PeerId p : reached) {
                asks.add(takeSnapshot(p));
              }
              return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
            });
  }

  /** While no peer is connected, redials the bootstrap peers now and then. */
  private void scheduleBootstrapRetry() {
    if (stopped || config.bootstrap().isEmpty()) {
      return;
    }
    bootstrapTask =
        scheduler.schedule(
            config.bootstrapRetry().toMillis(),
            () -> {
              if (host.connections().isEmpty()) {
                joinBootstrapPeers()
                    .whenComplete((v, e) -> scheduler.execute(this::scheduleBootstrapRetry));
              } else {
                scheduleBootstrapRetry();
              }
            });
  }

  /** The bootstrap peers reached at start (empty: none answered, or none configured). */
  public List<PeerId> reachedBootstrapPeers() {
    return reachedBootstrapPeers;
  }

  // ------------------------------------------------------------------ ads snapshot

  private MarketProto.AdsResponse snapshot(MarketProto.AdsRequest request) {
    ByteKey model =
        request.getModelHash().isEmpty()
            ? null
            : ByteKey.copyOf(request.getModelHash().toByteArray());
    MarketProto.AdsResponse.Builder out = MarketProto.AdsResponse.newBuilder();
    int bytes = 0;
    for (byte[] signed : market.view().signedAds(config.adLimits().maxAdvertisers())) {
      if (model != null && !offers(signed, model)) {
        continue;
      }
      if (bytes + signed.length + 8 > MAX_SNAPSHOT_BYTES) {
        break;
      }
      bytes += signed.length + 8;
      out.addAds(ByteString.copyFrom(signed));
    }
    return out.build();
  }

  private boolean offers(byte[] signed, ByteKey model) {
    try {
      return SignedAds.verify(signed, config.adLimits()).models().stream()
          .anyMatch(m -> m.modelHash().equals(model));
    } catch (AdException e) {
      return false;
    }
  }

  /** Asks {@code peer} for its ads and takes the valid ones; never fails. */
  private CompletableFuture<Void> takeSnapshot(PeerId peer) {
    return snapshots
        .request(peer, MarketProto.AdsRequest.getDefaultInstance())
        .handle(
            (response, e) -> {
              if (e != null) {
                LOG.debug("peer={} ads snapshot failed: {}", peer, e.toString());
                return CompletableFuture.<Void>completedFuture(null);
              }
              return run(
                  () -> {
                    int taken = 0;
                    int invalid = 0;
                    for (ByteString signed : response.getAdsList()) {
                      try {
                        taken += market.accept(signed.toByteArray()) ? 1 : 0;
                      } catch (AdException bad) {
                        invalid++;
                      }
                    }
                    LOG.debug("peer={} ads snapshot: {} new, {} refused", peer, taken, invalid);
                    return (Void) null;
                  });
            })
        .thenCompose(f -> f);
  }

  // ------------------------------------------------------------------ the market view

  /** Every unexpired ad in our view, soonest expiring first. */
  public CompletableFuture<List<CapacityAd>> ads() {
    return run(() -> market.view().ads());
  }

  /**
   * The offers of {@code modelHash} at or below {@code maxPricePerShardWei} with at least {@code
   * minFreeSlots} free slots, fastest first (ties: cheaper first).
   */
  public CompletableFuture<List<MarketView.Offer>> offers(
      ByteKey modelHash, BigInteger maxPricePerShardWei, int minFreeSlots) {
    return run(() -> market.view().providersOf(modelHash, maxPricePerShardWei, minFreeSlots));
  }

  /** Told, on the discovery thread, of each ad that updated the view (keep it quick). */
  public void onAd(Consumer<CapacityAd> listener) {
    run(
        () -> {
          market.addListener(listener);
          return null;
        });
  }

  // ------------------------------------------------------------------ our own ad

  /**
   * Advertises our capacity: publishes an ad made from {@code capacity} now, and again at half of
   * each ad's lifetime, each with a higher sequence number (Unix milliseconds, so a restarted node
   * still supersedes its old ads). Replaces an earlier supplier. Completes with the first ad.
   */
  public CompletableFuture<CapacityAd> advertise(Supplier<Capacity> capacity) {
    Objects.requireNonNull(capacity);
    return run(
        () -> {
          this.capacity = capacity;
          return publishAd();
        });
  }

  /**
   * Publishes a fresh ad at once (after a capacity change), or as soon as the per-advertiser rate
   * limit allows. Completes with the ad once published; fails when not advertising.
   */
  public CompletableFuture<CapacityAd> readvertise() {
    return run(() -> capacity)
        .thenCompose(
            c -> {
              if (c == null) {
                return CompletableFuture.failedFuture(
                    new IllegalStateException("not advertising: call advertise first"));
              }
              long wait = lastAdAtMs + minAdIntervalMs() - System.currentTimeMillis();
              CompletableFuture<CapacityAd> out = new CompletableFuture<>();
              scheduler.schedule(
                  Math.max(0, wait),
                  () -> {
                    try {
                      out.complete(publishAd());
                    } catch (RuntimeException e) {
                      out.completeExceptionally(e);
                    }
                  });
              return out;
            });
  }

  /** Stops republishing our ad (the last one lives until it expires). */
  public CompletableFuture<Void> stopAdvertising() {
    return run(
        () -> {
          capacity = null;
          if (nextAd != null) {
            nextAd.cancel();
          }
          return null;
        });
  }

  /** Gossip receivers ignore an advertiser's ads closer than the limit; a second of margin. */
  private long minAdIntervalMs() {
    return config.adLimits().minIntervalMs() + 1_000;
  }

  private CapacityAd publishAd() {
    if (capacity == null || stopped) {
      throw new IllegalStateException("not advertising");
    }
    if (nextAd != null) {
      nextAd.cancel();
    }
    Capacity c = capacity.get();
    long now = System.currentTimeMillis();
    long sequence = Math.max(lastSequence + 1, now);
    CapacityAd ad =
        new CapacityAd(
            host.peerId(),
            ethAddress,
            c.hardware(),
            c.models(),
            c.freeSlots(),
            c.stakeWei(),
            now,
            now + config.adLifetime().toMillis(),
            sequence);
    market.publish(identity, ad);
    lastSequence = sequence;
    lastAdAtMs = now;
    nextAd =
        scheduler.schedule(
            config.adLifetime().toMillis() / 2,
            () -> {
              try {
                publishAd();
              } catch (RuntimeException e) {
                LOG.warn("republishing our capacity ad failed", e);
              }
            });
    return ad;
  }

  // ------------------------------------------------------------------ DHT: models and peers

  /** The DHT provider key of a model: its sha2-256 content hash as a multihash. */
  public static byte[] modelKey(ByteKey modelHash) {
    byte[] digest = modelHash.toBytes();
    if (digest.length != 32) {
      throw new IllegalArgumentException("a model hash is 32 bytes, got " + digest.length);
    }
    byte[] key = new byte[34];
    key[0] = 0x12;
    key[1] = 0x20;
    System.arraycopy(digest, 0, key, 2, 32);
    return key;
  }

  /**
   * Announces that we serve {@code modelHash} (32 bytes) as a DHT provider record, now and every
   * reprovide interval. Completes with the peers that were sent the record.
   */
  public CompletableFuture<List<PeerId>> announceModel(ByteKey modelHash) {
    byte[] key;
    try {
      key = modelKey(modelHash);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return run(() -> {
          Scheduler.Cancellable old = announced.remove(modelHash);
          if (old != null) {
            old.cancel();
          }
          reprovide(modelHash, key);
          return kad.provide(key);
        })
        .thenCompose(f -> f);
  }

  private void reprovide(ByteKey modelHash, byte[] key) {
    announced.put(
        modelHash,
        scheduler.schedule(
            config.reprovideInterval().toMillis(),
            () -> {
              if (!stopped && announced.containsKey(modelHash)) {
                kad.provide(key);
                reprovide(modelHash, key);
              }
            }));
  }

  /** Stops reannouncing {@code modelHash} (records already stored expire on their own). */
  public CompletableFuture<Void> withdrawModel(ByteKey modelHash) {
    return run(
        () -> {
          Scheduler.Cancellable task = announced.remove(modelHash);
          if (task != null) {
            task.cancel();
          }
          return null;
        });
  }

  /**
   * Up to {@code count} peers that announced {@code modelHash}; their addresses go to the store.
   */
  public CompletableFuture<List<PeerId>> findModelProviders(ByteKey modelHash, int count) {
    byte[] key;
    try {
      key = modelKey(modelHash);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return run(() -> kad.findProviders(key, count)).thenCompose(f -> f);
  }

  /**
   * The addresses of {@code peer}: those the host's peer store knows, else found with a DHT lookup.
   * Fails with a {@link io.hyphae.protocol.p2p.kad.KadException} NOT_FOUND when no one knows any.
   */
  public CompletableFuture<List<Multiaddr>> findPeer(PeerId peer) {
    List<Multiaddr> known = host.peerStore().addresses(peer);
    if (!known.isEmpty()) {
      return CompletableFuture.completedFuture(known);
    }
    return run(() -> kad.findPeer(peer)).thenCompose(f -> f);
  }

  /**
   * A connection to {@code peer}: an open one, else a dial of the addresses the peer store knows,
   * else a DHT lookup of fresh addresses and a dial of those.
   */
  public CompletableFuture<Connection> connect(PeerId peer) {
    return host.connect(peer)
        .exceptionallyCompose(
            first ->
                run(() -> kad.findPeer(peer))
                    .thenCompose(f -> f)
                    .thenCompose(addrs -> host.connect(peer)));
  }

  // ------------------------------------------------------------------ plumbing

  /** Runs {@code task} on the discovery thread. */
  private <T> CompletableFuture<T> run(Supplier<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    if (stopped) {
      f.completeExceptionally(new IllegalStateException("discovery is stopped"));
      return f;
    }
    scheduler.execute(
        () -> {
          try {
            f.complete(task.get());
          } catch (RuntimeException e) {
            f.completeExceptionally(e instanceof CompletionException ce ? ce.getCause() : e);
          }
        });
    return f;
  }

  /**
   * Stops discovery: unregisters the protocols from the host, stops publishing and the DHT, and
   * ends the discovery thread. The host keeps running (its owner stops it).
   */
  public CompletableFuture<Void> stop() {
    if (stopped) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          stopped = true;
          pubsub.stop();
          kadTransport.stop();
          host.removeStreamHandler(ADS_PROTOCOL);
          if (host instanceof Libp2pHost libp2p) {
            libp2p.identify().removeListener(dhtServers);
          }
          if (nextAd != null) {
            nextAd.cancel();
          }
          if (bootstrapTask != null) {
            bootstrapTask.cancel();
          }
          announced.values().forEach(Scheduler.Cancellable::cancel);
          announced.clear();
          if (router != null) {
            router.stop();
          }
          if (kad != null) {
            kad.stop();
          }
          done.complete(null);
        });
    return done.orTimeout(10, TimeUnit.SECONDS)
        .whenComplete((v, e) -> scheduler.close())
        .exceptionally(e -> null);
  }

  /** {@link #stop()}, waiting up to 10 s. */
  @Override
  public void close() {
    stop().join();
  }
}
