package io.hyphae.protocol.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.overlay.SimulatedScheduler;
import io.hyphae.protocol.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Multi-node behaviour on the in-memory network, driven by a simulated clock (no sleeps). */
class GossipsubNetworkTest {
  private static final String TOPIC = "hyphae/test/1";

  private final SimulatedScheduler scheduler = new SimulatedScheduler();
  private final InMemoryPubsubNetwork network =
      new InMemoryPubsubNetwork(scheduler, new Random(42), 5, 20, 1000);
  private final Map<PeerId, Set<ByteKey>> received = new HashMap<>();
  private final List<PeerId> ids = new ArrayList<>();

  private void build(int n, int degree, List<String> protocols) {
    PeerScoreParams scoreParams =
        PeerScoreParams.defaults(Map.of(TOPIC, TopicScoreParams.lowRateTopic()));
    for (int i = 0; i < n; i++) {
      InMemoryPubsubNetwork.Node node =
          network.addNode(
              Secp256k1PrivKey.generate(new SecureRandom()),
              GossipsubConfig.defaults(),
              scoreParams,
              PeerScoreThresholds.defaults(),
              "10.0." + (i / 200) + "." + (i % 200),
              protocols);
      ids.add(node.id());
      Set<ByteKey> got = new HashSet<>();
      received.put(node.id(), got);
      node.router()
          .addValidator(
              TOPIC,
              (from, m) ->
                  new String(m.data(), StandardCharsets.UTF_8).startsWith("bad")
                      ? ValidationResult.REJECT
                      : ValidationResult.ACCEPT);
      node.router().subscribe(TOPIC, m -> got.add(m.messageId()));
    }
    network.connectRandomly(degree);
    scheduler.advance(5_000);
  }

  private GossipsubRouter router(PeerId id) {
    return network.node(id).router();
  }

  private long reached(ByteKey id) {
    return network.nodes().stream().filter(n -> received.get(n.id()).contains(id)).count();
  }

  @Test
  void meshFormsWithinBoundsAndMessagesReachAllSubscribers() {
    build(40, 8, PubsubProtocols.ALL);
    for (PeerId id : ids) {
      Set<PeerId> mesh = router(id).meshPeers(TOPIC);
      int connected = network.node(id).connections().size();
      assertThat(mesh.size()).isLessThanOrEqualTo(12);
      assertThat(mesh.size()).isGreaterThanOrEqualTo(Math.min(5, connected));
      assertThat(router(id).peers()).containsAll(mesh);
    }
    List<ByteKey> published = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      published.add(
          router(ids.get(i * 7)).publish(TOPIC, ("ad " + i).getBytes(StandardCharsets.UTF_8)));
    }
    scheduler.advance(2_000);
    for (ByteKey id : published) {
      assertThat(reached(id)).isEqualTo(40);
    }
  }

  @Test
  void meshHealsAfterPeersLeave() {
    build(40, 10, PubsubProtocols.ALL);
    for (int i = 0; i < 15; i++) {
      network.removeNode(ids.get(i));
    }
    List<PeerId> remaining = ids.subList(15, ids.size());
    scheduler.advance(3_000);
    for (PeerId id : remaining) {
      int connected = network.node(id).connections().size();
      assertThat(router(id).meshPeers(TOPIC).size())
          .as("mesh of a node with %d connections", connected)
          .isGreaterThanOrEqualTo(Math.min(5, connected));
      assertThat(ids.subList(0, 15)).doesNotContainAnyElementsOf(router(id).meshPeers(TOPIC));
    }
    ByteKey msg =
        router(remaining.get(0)).publish(TOPIC, "after churn".getBytes(StandardCharsets.UTF_8));
    scheduler.advance(2_000);
    long connectedReach = remaining.stream().filter(id -> received.get(id).contains(msg)).count();
    long isolated =
        remaining.stream().filter(id -> network.node(id).connections().isEmpty()).count();
    assertThat(connectedReach).isEqualTo(remaining.size() - isolated);
  }

  @Test
  void invalidMessageIsNotForwardedAndCostsTheSenderScore() {
    build(20, 6, PubsubProtocols.ALL);
    PeerId publisher = ids.get(0);
    ByteKey bad = router(publisher).publish(TOPIC, "bad ad".getBytes(StandardCharsets.UTF_8));
    scheduler.advance(2_000);
    assertThat(reached(bad)).as("only the publisher itself delivered it").isEqualTo(1);
    long forwarded = ids.stream().skip(1).mapToLong(id -> router(id).stats().forwarded).sum();
    assertThat(forwarded).isZero();
    for (PeerId n : network.node(publisher).connections()) {
      assertThat(router(n).score(publisher)).isNegative();
      assertThat(router(n).stats().rejected).isPositive();
    }
  }

  @Test
  void peerSpammingInvalidMessagesIsGraylistedAndPrunedFromMeshes() {
    build(20, 6, PubsubProtocols.ALL);
    PeerId spammer = ids.get(3);
    for (int i = 0; i < 10; i++) {
      router(spammer).publish(TOPIC, ("bad " + i).getBytes(StandardCharsets.UTF_8));
      scheduler.advance(50);
    }
    scheduler.advance(2_000);
    Set<PeerId> neighbours = network.node(spammer).connections();
    assertThat(neighbours).isNotEmpty();
    for (PeerId n : neighbours) {
      assertThat(router(n).score(spammer)).isLessThan(PeerScoreThresholds.defaults().graylist());
      assertThat(router(n).meshPeers(TOPIC)).doesNotContain(spammer);
    }
    ByteKey good = router(spammer).publish(TOPIC, "good now".getBytes(StandardCharsets.UTF_8));
    scheduler.advance(2_000);
    assertThat(reached(good)).as("graylisted: even valid messages are ignored").isEqualTo(1);
    assertThat(neighbours.stream().mapToLong(n -> router(n).stats().graylistedRpcs).sum())
        .isPositive();
  }

  @Test
  void lostForwardsAreRecoveredThroughIHaveAndIWant() {
    build(12, 11, PubsubProtocols.ALL);
    PeerId publisher = ids.get(0);
    PeerId victim = ids.get(1);
    long dropUntil = scheduler.nowMillis() + 200;
    network.setFilter(
        (from, to, rpc) ->
            !(to.equals(victim) && rpc.getPublishCount() > 0 && scheduler.nowMillis() < dropUntil));
    ByteKey msg = router(publisher).publish(TOPIC, "gossip me".getBytes(StandardCharsets.UTF_8));
    scheduler.advance(150);
    assertThat(received.get(victim)).doesNotContain(msg);
    scheduler.advance(3_000);
    assertThat(received.get(victim)).contains(msg);
    assertThat(ids.stream().mapToLong(id -> router(id).stats().iwantServed).sum()).isPositive();
  }

  @Test
  void largeMessagesTriggerIDontWantOnMeshsub12() {
    build(20, 10, List.of(PubsubProtocols.MESHSUB_V12));
    byte[] big = new byte[4096];
    ByteKey msg = router(ids.get(0)).publish(TOPIC, big);
    scheduler.advance(2_000);
    assertThat(reached(msg)).isEqualTo(20);
    assertThat(ids.stream().mapToLong(id -> router(id).stats().idontwantSkipped).sum())
        .isPositive();
  }

  @Test
  void badlySignedMessagesAreDroppedAndDoNotShadowTheRealOne() {
    build(6, 5, PubsubProtocols.ALL);
    PeerId a = ids.get(0);
    PeerId b = network.node(a).connections().iterator().next();
    Secp256k1PrivKey author = Secp256k1PrivKey.generate(new SecureRandom());
    io.hyphae.protocol.proto.PubsubProto.Message real =
        StrictSign.sign(author, TOPIC, "real".getBytes(StandardCharsets.UTF_8), 9);
    io.hyphae.protocol.proto.PubsubProto.Message forged =
        real.toBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8("forged")).build();
    RpcCodec codec = new RpcCodec(RpcLimits.defaults());
    network
        .node(a)
        .sendFrame(
            b,
            codec.encodeFrame(
                io.hyphae.protocol.proto.PubsubProto.RPC.newBuilder().addPublish(forged).build()));
    scheduler.advance(200);
    assertThat(router(b).stats().invalidSignatures).isEqualTo(1);
    assertThat(received.get(b)).isEmpty();
    network
        .node(a)
        .sendFrame(
            b,
            codec.encodeFrame(
                io.hyphae.protocol.proto.PubsubProto.RPC.newBuilder().addPublish(real).build()));
    scheduler.advance(2_000);
    assertThat(received.get(b)).hasSize(1);
    assertThat(network.nodes().stream().filter(n -> !received.get(n.id()).isEmpty()).count())
        .isEqualTo(6);
  }

  @Test
  void malformedFramesArePenalisedNotThrown() {
    build(4, 3, PubsubProtocols.ALL);
    PeerId a = ids.get(0);
    PeerId b = network.node(a).connections().iterator().next();
    for (int i = 0; i < 20; i++) {
      network.node(a).sendFrame(b, new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    }
    scheduler.advance(1_500);
    assertThat(router(b).stats().malformedRpcs).isEqualTo(20);
    assertThat(router(b).score(a)).isNegative();
  }
}
