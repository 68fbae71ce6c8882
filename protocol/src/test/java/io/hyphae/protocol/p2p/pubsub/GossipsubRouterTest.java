package io.hyphae.protocol.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.p2p.overlay.SimulatedScheduler;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One router against scripted peers: GRAFT/PRUNE, peer exchange and backoff. */
class GossipsubRouterTest {
  private static final String T = "t";

  private final SimulatedScheduler scheduler = new SimulatedScheduler();
  private final List<PeerId> dialed = new ArrayList<>();
  private final List<Map.Entry<PeerId, PubsubProto.RPC>> sent = new ArrayList<>();
  private final PubsubTransport transport =
      new PubsubTransport() {
        @Override
        public boolean send(PeerId peer, PubsubProto.RPC rpc) {
          sent.add(Map.entry(peer, rpc));
          return true;
        }

        @Override
        public void connect(PeerId peer) {
          dialed.add(peer);
        }
      };

  private GossipsubRouter router(double appScore) {
    PeerScoreParams params =
        new PeerScoreParams(
            Map.of(T, TopicScoreParams.lowRateTopic()),
            100,
            p -> appScore,
            1,
            -10,
            8,
            Set.of(),
            -10,
            0,
            0.99,
            1_000,
            0.01,
            3_600_000,
            100);
    GossipsubRouter r =
        new GossipsubRouter(
            Secp256k1PrivKey.generate(new SecureRandom()),
            GossipsubConfig.defaults(),
            params,
            PeerScoreThresholds.defaults(),
            scheduler,
            transport,
            new Random(1));
    r.start();
    return r;
  }

  private static PeerId peer() {
    return PeerId.fromPublicKey(Secp256k1PrivKey.generate(new SecureRandom()).publicKey());
  }

  private static PubsubProto.RPC subscribe() {
    return PubsubProto.RPC
        .newBuilder()
        .addSubscriptions(PubsubProto.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid(T))
        .build();
  }

  private static PubsubProto.RPC control(PubsubProto.ControlMessage.Builder c) {
    return PubsubProto.RPC.newBuilder().setControl(c).build();
  }

  private List<PubsubProto.ControlPrune> prunesTo(PeerId p) {
    return sent.stream()
        .filter(e -> e.getKey().equals(p) && e.getValue().hasControl())
        .flatMap(e -> e.getValue().getControl().getPruneList().stream())
        .toList();
  }

  @Test
  void pruneWithPeerExchangeFromAWellScoredPeerDialsTheOfferedPeers() {
    GossipsubRouter r = router(20);
    r.subscribe(T, m -> {});
    PeerId p = peer();
    PeerId offered = peer();
    r.attachPeer(p, PubsubProtocols.MESHSUB_V12, true, "1.2.3.4");
    r.handleRpc(p, subscribe());
    scheduler.advance(1_000);
    assertThat(r.meshPeers(T)).containsExactly(p);
    r.handleRpc(
        p,
        control(
            PubsubProto.ControlMessage.newBuilder()
                .addPrune(
                    PubsubProto.ControlPrune.newBuilder()
                        .setTopicID(T)
                        .setBackoff(60)
                        .addPeers(
                            PubsubProto.PeerInfo.newBuilder()
                                .setPeerID(ByteString.copyFrom(offered.toBytes()))))));
    assertThat(r.meshPeers(T)).isEmpty();
    assertThat(dialed).containsExactly(offered);
    // Within the backoff the heartbeat does not graft the pruning peer back.
    scheduler.advance(30_000);
    assertThat(r.meshPeers(T)).isEmpty();
    scheduler.advance(32_000);
    assertThat(r.meshPeers(T)).containsExactly(p);
  }

  @Test
  void peerExchangeFromAPoorlyScoredPeerIsIgnored() {
    GossipsubRouter r = router(0);
    r.subscribe(T, m -> {});
    PeerId p = peer();
    r.attachPeer(p, PubsubProtocols.MESHSUB_V11, true, "1.2.3.4");
    r.handleRpc(p, subscribe());
    r.handleRpc(
        p,
        control(
            PubsubProto.ControlMessage.newBuilder()
                .addPrune(
                    PubsubProto.ControlPrune.newBuilder()
                        .setTopicID(T)
                        .addPeers(
                            PubsubProto.PeerInfo.newBuilder()
                                .setPeerID(ByteString.copyFrom(peer().toBytes()))))));
    assertThat(dialed).isEmpty();
  }

  @Test
  void graftDuringBackoffIsRefusedAndPenalised() {
    GossipsubRouter r = router(0);
    r.subscribe(T, m -> {});
    PeerId p = peer();
    r.attachPeer(p, PubsubProtocols.MESHSUB_V12, false, "1.2.3.4");
    r.handleRpc(p, subscribe());
    r.handleRpc(
        p,
        control(
            PubsubProto.ControlMessage.newBuilder()
                .addPrune(PubsubProto.ControlPrune.newBuilder().setTopicID(T).setBackoff(60))));
    PubsubProto.RPC graft =
        control(
            PubsubProto.ControlMessage.newBuilder()
                .addGraft(PubsubProto.ControlGraft.newBuilder().setTopicID(T)));
    for (int i = 0; i < 10; i++) {
      r.handleRpc(p, graft);
    }
    assertThat(r.meshPeers(T)).doesNotContain(p);
    // P7 (weight -10, threshold 0): -10, -40, -90; below -80 the peer is graylisted and ignored.
    assertThat(prunesTo(p)).hasSize(3).allMatch(pr -> pr.getBackoff() == 60);
    assertThat(r.score(p)).isLessThan(PeerScoreThresholds.defaults().graylist());
    assertThat(r.stats().graylistedRpcs).isEqualTo(7);
  }

  @Test
  void graftForATopicWeDoNotJoinIsIgnored() {
    GossipsubRouter r = router(0);
    PeerId p = peer();
    r.attachPeer(p, PubsubProtocols.MESHSUB_V12, false, "1.2.3.4");
    sent.clear();
    r.handleRpc(
        p,
        control(
            PubsubProto.ControlMessage.newBuilder()
                .addGraft(PubsubProto.ControlGraft.newBuilder().setTopicID("other"))));
    assertThat(sent).isEmpty();
    assertThat(r.meshPeers("other")).isEmpty();
  }

  @Test
  void fullMeshAnswersInboundGraftWithPruneAndPeerExchange() {
    GossipsubRouter r = router(0);
    r.subscribe(T, m -> {});
    List<PeerId> peers = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      PeerId p = peer();
      peers.add(p);
      r.attachPeer(p, PubsubProtocols.MESHSUB_V12, false, "10.0.0." + i);
      r.handleRpc(p, subscribe());
    }
    PubsubProto.RPC graft =
        control(
            PubsubProto.ControlMessage.newBuilder()
                .addGraft(PubsubProto.ControlGraft.newBuilder().setTopicID(T)));
    for (PeerId p : peers) {
      r.handleRpc(p, graft);
    }
    assertThat(r.meshPeers(T)).hasSize(12);
    PeerId refused = peers.get(12);
    assertThat(prunesTo(refused))
        .singleElement()
        .satisfies(pr -> assertThat(pr.getPeersCount()).isPositive());
    // An outbound peer may still graft beyond D_hi; the heartbeat then trims the mesh to D,
    // keeping the outbound peer (D_out).
    PeerId outbound = peer();
    r.attachPeer(outbound, PubsubProtocols.MESHSUB_V12, true, "10.0.1.1");
    r.handleRpc(outbound, subscribe());
    r.handleRpc(outbound, graft);
    assertThat(r.meshPeers(T)).hasSize(13);
    scheduler.advance(1_000);
    assertThat(r.meshPeers(T)).hasSize(6).contains(outbound);
  }
}
