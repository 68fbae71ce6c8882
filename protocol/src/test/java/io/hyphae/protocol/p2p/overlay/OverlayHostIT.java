package io.hyphae.protocol.p2p.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.market.AdLimits;
import io.hyphae.protocol.market.CapacityAd;
import io.hyphae.protocol.market.CapacityMarket;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.kad.HostKadTransport;
import io.hyphae.protocol.p2p.kad.KadConfig;
import io.hyphae.protocol.p2p.kad.KadNode;
import io.hyphae.protocol.p2p.kad.RecordValidator;
import io.hyphae.protocol.p2p.pubsub.GossipsubConfig;
import io.hyphae.protocol.p2p.pubsub.GossipsubRouter;
import io.hyphae.protocol.p2p.pubsub.HostPubsubTransport;
import io.hyphae.protocol.p2p.pubsub.PeerScoreParams;
import io.hyphae.protocol.p2p.pubsub.PeerScoreThresholds;
import io.hyphae.protocol.p2p.pubsub.PubsubProtocols;
import io.hyphae.protocol.p2p.pubsub.RpcLimits;
import io.hyphae.protocol.p2p.pubsub.TopicScoreParams;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Gossipsub, the capacity market and Kademlia on real libp2p hosts (TCP, Noise, yamux) over
 * loopback: four fully connected Java nodes.
 */
class OverlayHostIT {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NODES = 4;

  /** One node: host, router thread, gossipsub router, market and DHT. */
  private record Node(
      Secp256k1PrivKey key,
      Libp2pHost host,
      ExecutorScheduler scheduler,
      HostPubsubTransport pubsub,
      GossipsubRouter router,
      CapacityMarket market,
      HostKadTransport kadTransport,
      KadNode kad) {
    PeerId id() {
      return host.peerId();
    }
  }

  private final List<Node> nodes = new ArrayList<>();

  private static <T> T onLoop(Scheduler scheduler, Supplier<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          try {
            f.complete(task.get());
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    return f.get(10, TimeUnit.SECONDS);
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(25);
    }
  }

  private Node node() throws Exception {
    Secp256k1PrivKey key = Secp256k1PrivKey.generate(RANDOM);
    Libp2pHost host = new Libp2pHost(HostConfig.defaults(key).withIoThreads(1));
    host.start().get(5, TimeUnit.SECONDS);
    ExecutorScheduler scheduler = new ExecutorScheduler("overlay-" + host.peerId());
    HostPubsubTransport pubsub = new HostPubsubTransport(host, scheduler, RpcLimits.defaults());
    HostKadTransport kadTransport =
        new HostKadTransport(
            host, scheduler, KadConfig.defaults().limits(), Duration.ofSeconds(10));
    PeerScoreParams params =
        PeerScoreParams.defaults(Map.of(CapacityMarket.TOPIC, TopicScoreParams.lowRateTopic()));
    Node n =
        onLoop(
            scheduler,
            () -> {
              GossipsubRouter router =
                  new GossipsubRouter(
                      key,
                      GossipsubConfig.defaults(),
                      params,
                      PeerScoreThresholds.defaults(),
                      scheduler,
                      pubsub,
                      new Random(RANDOM.nextLong()));
              CapacityMarket market =
                  new CapacityMarket(router, AdLimits.defaults(), System::currentTimeMillis);
              KadNode kad =
                  new KadNode(
                      host.peerId(),
                      KadConfig.defaults(),
                      scheduler,
                      kadTransport,
                      RecordValidator.namespaced(Map.of()),
                      new Random(RANDOM.nextLong()));
              router.start();
              return new Node(key, host, scheduler, pubsub, router, market, kadTransport, kad);
            });
    pubsub.start(n.router());
    kadTransport.start(n.kad());
    nodes.add(n);
    return n;
  }

  @AfterEach
  void stop() throws Exception {
    for (Node n : nodes) {
      n.pubsub().stop();
      n.kadTransport().stop();
      onLoop(
          n.scheduler(),
          () -> {
            n.router().stop();
            n.kad().stop();
            return null;
          });
      n.host().stop().get(5, TimeUnit.SECONDS);
      n.scheduler().close();
    }
    assertThat(io.hyphae.protocol.LeakRecorder.collect()).isEmpty();
  }

  private void connectAll() throws Exception {
    for (int i = 0; i < NODES; i++) {
      node();
    }
    for (int i = 1; i < NODES; i++) {
      for (int j = 0; j < i; j++) {
        Node to = nodes.get(j);
        Connection c =
            nodes
                .get(i)
                .host()
                .dial(to.host().listenAddresses().get(0).withPeerId(to.id()))
                .get(10, TimeUnit.SECONDS);
        assertThat(c.remotePeer()).isEqualTo(to.id());
      }
    }
  }

  private static CapacityAd ad(Secp256k1PrivKey key, long seq) {
    long now = System.currentTimeMillis();
    return new CapacityAd(
        PeerId.fromPublicKey(key.publicKey()),
        key.publicKey().ethereumAddress(),
        new CapacityAd.Hardware("x86-64", 16, 64L << 30, "H100", 1, 80L << 30),
        List.of(
            new CapacityAd.ModelOffer(
                ByteKey.copyOf(Multihash.sha256(new byte[] {1}).digest()),
                ByteKey.copyOf(Multihash.sha256(new byte[] {2}).digest()),
                BigInteger.valueOf(7),
                1000)),
        4,
        BigInteger.TEN.pow(18),
        now,
        now + 60_000,
        seq);
  }

  @Test
  void meshFormsAndACapacityAdReachesEveryMarketView() throws Exception {
    connectAll();
    for (Node n : nodes) {
      awaitTrue(
          "a full mesh at " + n.id(),
          () -> {
            try {
              return onLoop(n.scheduler(), () -> n.router().meshPeers(CapacityMarket.TOPIC).size())
                  == NODES - 1;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
    Node provider = nodes.get(0);
    onLoop(
        provider.scheduler(),
        () -> provider.market().publish(provider.key(), ad(provider.key(), 1)));
    for (Node n : nodes.subList(1, NODES)) {
      awaitTrue(
          "the ad at " + n.id(),
          () -> {
            try {
              return onLoop(n.scheduler(), () -> n.market().view().latest(provider.id()))
                  .isPresent();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      CapacityAd got =
          onLoop(n.scheduler(), () -> n.market().view().latest(provider.id())).orElseThrow();
      assertThat(got.sequence()).isEqualTo(1);
      assertThat(got.ethAddress()).isEqualTo(provider.key().publicKey().ethereumAddress());
    }
    for (Node n : nodes) {
      assertThat(onLoop(n.scheduler(), () -> n.router().stats().malformedRpcs)).isZero();
      assertThat(onLoop(n.scheduler(), () -> n.router().stats().invalidSignatures)).isZero();
    }
    assertThat(nodes.get(0).host().protocols())
        .contains(PubsubProtocols.MESHSUB_V12, PubsubProtocols.MESHSUB_V11, KadNode.PROTOCOL_ID);
  }

  @Test
  void aProviderRecordAnnouncedByOneIsFoundByAnother() throws Exception {
    connectAll();
    for (Node n : nodes) {
      List<PeerId> others = nodes.stream().map(Node::id).filter(id -> !id.equals(n.id())).toList();
      onLoop(n.scheduler(), () -> n.kad().bootstrap(others)).get(15, TimeUnit.SECONDS);
    }
    byte[] model = Multihash.sha256("all-MiniLM-L6-v2-q".getBytes(StandardCharsets.UTF_8)).encode();
    Node provider = nodes.get(0);
    List<PeerId> stored =
        onLoop(provider.scheduler(), () -> provider.kad().provide(model)).get(15, TimeUnit.SECONDS);
    assertThat(stored).isNotEmpty();
    Node seeker = nodes.get(NODES - 1);
    List<PeerId> found =
        onLoop(seeker.scheduler(), () -> seeker.kad().findProviders(model, 1))
            .get(15, TimeUnit.SECONDS);
    assertThat(found).contains(provider.id());
  }

  @Test
  void malformedAndOversizedFramesArePenalisedNotFatal() throws Exception {
    Node target = node();
    Libp2pHost raw = new Libp2pHost(HostConfig.defaults(Secp256k1PrivKey.generate(RANDOM)));
    try {
      raw.start().get(5, TimeUnit.SECONDS);
      Multiaddr address = target.host().listenAddresses().get(0).withPeerId(target.id());
      // A body that is not an RPC protobuf: the stream stays usable.
      Stream garbage =
          raw.newStream(address, List.of(PubsubProtocols.MESHSUB_V11)).get(10, TimeUnit.SECONDS);
      garbage.write(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff}).get(5, TimeUnit.SECONDS);
      awaitTrue("a malformed RPC counted", () -> malformed(target) == 1);
      // A declared length over the 1 MiB limit: the stream is reset before the body is buffered.
      Stream oversized =
          raw.newStream(address, List.of(PubsubProtocols.MESHSUB_V11)).get(10, TimeUnit.SECONDS);
      oversized
          .write(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01})
          .get(5, TimeUnit.SECONDS);
      awaitTrue("an oversized frame counted", () -> malformed(target) == 2);
      awaitTrue("the oversized stream reset", () -> oversized.closeFuture().isDone());
      assertThat(oversized.closeFuture()).isCompletedExceptionally();
      // A DHT request that is not a DHT message resets its stream and leaves the node serving.
      Stream kad = raw.newStream(address, List.of(KadNode.PROTOCOL_ID)).get(10, TimeUnit.SECONDS);
      kad.write(new byte[] {2, (byte) 0xff, (byte) 0xff}).get(5, TimeUnit.SECONDS);
      awaitTrue("the bad DHT stream reset", () -> kad.closeFuture().isDone());
      assertThat(target.host().connections(raw.peerId())).isNotEmpty();
    } finally {
      raw.stop().get(5, TimeUnit.SECONDS);
    }
  }

  private static long malformed(Node n) {
    try {
      return onLoop(n.scheduler(), () -> n.router().stats().malformedRpcs);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
