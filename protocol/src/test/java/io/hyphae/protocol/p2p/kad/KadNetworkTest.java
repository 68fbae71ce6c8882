package io.hyphae.protocol.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.p2p.PeerStore;
import io.hyphae.protocol.p2p.overlay.SimulatedScheduler;
import io.hyphae.protocol.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A 100-node DHT on the in-memory network, driven by a simulated clock. One network serves all
 * tests (building it is the expensive part); the test that removes nodes runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KadNetworkTest {
  private static final int N = 100;
  private final SimulatedScheduler scheduler = new SimulatedScheduler();
  private final Random random = new Random(11);
  private final InMemoryKadNetwork network = new InMemoryKadNetwork(scheduler, random, 10);
  private final List<PeerId> ids = new ArrayList<>();
  private final Map<PeerId, PeerStore> stores = new java.util.HashMap<>();

  /** The (never dialed) address node {@code i} announces. */
  private static Multiaddr addressOf(int i) {
    return Multiaddr.parse("/ip4/10.0." + (i / 200) + "." + (i % 200 + 1) + "/tcp/4001");
  }

  /** Values under /hyphae/ are "<sequence>:<text>"; the highest sequence wins. */
  private static final RecordValidator SEQUENCED =
      new RecordValidator() {
        @Override
        public void validate(byte[] key, byte[] value) {
          String s = new String(value, StandardCharsets.UTF_8);
          if (!s.matches("\\d{1,9}:.*")) {
            throw new KadException(KadException.Reason.INVALID_RECORD, "not <seq>:<text>");
          }
        }

        @Override
        public int select(byte[] key, List<byte[]> values) {
          int best = 0;
          for (int i = 1; i < values.size(); i++) {
            if (seq(values.get(i)) > seq(values.get(best))) {
              best = i;
            }
          }
          return best;
        }

        private int seq(byte[] v) {
          String s = new String(v, StandardCharsets.UTF_8);
          return Integer.parseInt(s.substring(0, s.indexOf(':')));
        }
      };

  @BeforeAll
  void buildAndBootstrap() {
    RecordValidator validator = RecordValidator.namespaced(Map.of("hyphae", SEQUENCED));
    for (int i = 0; i < N; i++) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      secret[0] = 1;
      PeerId id = PeerId.fromPublicKey(Secp256k1PrivKey.fromBytes(secret).publicKey());
      ids.add(id);
      PeerStore store = new PeerStore(scheduler::nowMillis, 1000, 4);
      stores.put(id, store);
      Multiaddr self = addressOf(i);
      KadNode node =
          network.addNode(id, KadConfig.defaults(), validator, store, () -> List.of(self));
      if (i > 0) {
        node.bootstrap(List.of(ids.get(0), ids.get(random.nextInt(i))));
        scheduler.advance(2_000);
      }
    }
    for (PeerId id : ids) {
      network.node(id).startRandomWalk();
    }
    scheduler.advance(300_000);
    // As identify does on a host: each node knows the addresses of the peers in its table.
    for (PeerId id : ids) {
      for (PeerId p : network.node(id).routingTable().closest(KadKey.of(id), N)) {
        stores
            .get(id)
            .addAddresses(p, List.of(addressOf(ids.indexOf(p))), PeerStore.CONNECTED_TTL_MS);
      }
    }
  }

  @Test
  void findPeerReturnsTheAddressesOfAPeerOnlyOthersKnow() {
    int looking = -1;
    int wanted = -1;
    for (int a = 0; a < N && looking < 0; a++) {
      for (int b = 0; b < N; b++) {
        if (a != b && stores.get(ids.get(a)).addresses(ids.get(b)).isEmpty()) {
          looking = a;
          wanted = b;
          break;
        }
      }
    }
    assertThat(looking).as("some node does not know some peer's address").isNotNegative();
    List<Multiaddr> found = await(network.node(ids.get(looking)).findPeer(ids.get(wanted)));
    assertThat(found).containsExactly(addressOf(wanted));
    assertThat(stores.get(ids.get(looking)).addresses(ids.get(wanted)))
        .containsExactly(addressOf(wanted));
  }

  private <T> T await(CompletableFuture<T> f) {
    for (int i = 0; i < 100 && !f.isDone(); i++) {
      scheduler.advance(100);
    }
    assertThat(f).isDone();
    return f.getNow(null);
  }

  private List<PeerId> trueClosest(byte[] key, Set<PeerId> among) {
    KadKey target = KadKey.of(key);
    return among.stream()
        .sorted(Comparator.comparing((PeerId p) -> KadKey.of(p).distance(target)))
        .limit(20)
        .toList();
  }

  @Test
  void lookupsConvergeOnTheTrueClosestPeers() {
    for (int i = 0; i < 10; i++) {
      byte[] key = new byte[34];
      random.nextBytes(key);
      KadNode from = network.node(ids.get(random.nextInt(N)));
      List<PeerId> found = await(from.findClosestPeers(key));
      Set<PeerId> all = new HashSet<>(ids);
      all.remove(from.peerId());
      List<PeerId> expected = trueClosest(key, all);
      assertThat(found).hasSize(20);
      long overlap = found.stream().filter(expected::contains).count();
      assertThat(overlap).as("lookup %d", i).isGreaterThanOrEqualTo(19);
    }
    PeerId wanted = ids.get(57);
    assertThat(await(network.node(ids.get(3)).findClosestPeers(wanted.toBytes()))).contains(wanted);
  }

  @Test
  void providerRecordsAreFoundByTheModelMultihash() {
    byte[] modelHash = new byte[34];
    modelHash[0] = 0x12;
    modelHash[1] = 0x20;
    System.arraycopy(
        Multihash.sha256("all-MiniLM-L6-v2-q".getBytes(StandardCharsets.UTF_8)).digest(),
        0,
        modelHash,
        2,
        32);
    PeerId providerA = ids.get(10);
    PeerId providerB = ids.get(70);
    List<PeerId> storedAt = await(network.node(providerA).provide(modelHash));
    assertThat(storedAt).hasSize(20);
    await(network.node(providerB).provide(modelHash));
    scheduler.advance(1_000);
    List<PeerId> found = await(network.node(ids.get(99)).findProviders(modelHash, 2));
    assertThat(found).containsExactlyInAnyOrder(providerA, providerB);
    // ADD_PROVIDER carried each provider's address; GET_PROVIDERS handed it to the seeker.
    assertThat(stores.get(ids.get(99)).addresses(providerB)).contains(addressOf(70));
    byte[] unknown = modelHash.clone();
    unknown[5] ^= 1;
    assertThat(await(network.node(ids.get(99)).findProviders(unknown, 1))).isEmpty();
  }

  @Test
  void putAndGetValueWithValidatorsSelectTheBestRecord() {
    byte[] key = "/hyphae/model-index".getBytes(StandardCharsets.UTF_8);
    assertThat(
            await(network.node(ids.get(1)).putValue(key, "1:old".getBytes(StandardCharsets.UTF_8))))
        .isGreaterThanOrEqualTo(15);
    assertThat(
            await(network.node(ids.get(2)).putValue(key, "2:new".getBytes(StandardCharsets.UTF_8))))
        .isGreaterThanOrEqualTo(15);
    byte[] got = await(network.node(ids.get(80)).getValue(key));
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("2:new");
  }

  @Test
  void invalidRecordsAreRefusedAndMissingKeysAreNotFound() {
    byte[] key = "/hyphae/other".getBytes(StandardCharsets.UTF_8);
    KadNode server = network.node(ids.get(5));
    var put =
        io.hyphae.protocol.proto.KadProto.Message.newBuilder()
            .setType(io.hyphae.protocol.proto.KadProto.Message.MessageType.PUT_VALUE)
            .setKey(com.google.protobuf.ByteString.copyFrom(key))
            .setRecord(
                io.hyphae.protocol.proto.KadProto.Record.newBuilder()
                    .setKey(com.google.protobuf.ByteString.copyFrom(key))
                    .setValue(com.google.protobuf.ByteString.copyFromUtf8("no sequence")))
            .build();
    assertThat(server.handleRequest(ids.get(6), put)).isEmpty();
    var get =
        put.toBuilder()
            .setType(io.hyphae.protocol.proto.KadProto.Message.MessageType.GET_VALUE)
            .clearRecord()
            .build();
    assertThat(server.handleRequest(ids.get(6), get).orElseThrow().hasRecord()).isFalse();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    network
        .node(ids.get(4))
        .getValue("/hyphae/missing".getBytes(StandardCharsets.UTF_8))
        .whenComplete((v, e) -> failure.complete(e));
    assertThat(await(failure))
        .hasRootCauseInstanceOf(KadException.class)
        .rootCause()
        .hasMessageContaining("no record");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void lookupsSurviveNodesLeaving() {
    for (int i = 20; i < 40; i++) {
      network.removeNode(ids.get(i));
    }
    // One random-walk period: lookups meet the dead entries and drop them from the tables.
    scheduler.advance(300_000);
    Set<PeerId> alive = new HashSet<>(ids.subList(0, 20));
    alive.addAll(ids.subList(40, N));
    byte[] key = new byte[34];
    random.nextBytes(key);
    KadNode from = network.node(ids.get(90));
    List<PeerId> found = await(from.findClosestPeers(key));
    alive.remove(from.peerId());
    List<PeerId> expected = trueClosest(key, alive);
    assertThat(found).allMatch(alive::contains);
    assertThat(found.stream().filter(expected::contains).count()).isGreaterThanOrEqualTo(18);
  }
}
