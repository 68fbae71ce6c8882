package io.hyphae.protocol.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.overlay.SimulatedScheduler;
import io.hyphae.protocol.p2p.pubsub.GossipsubConfig;
import io.hyphae.protocol.p2p.pubsub.InMemoryPubsubNetwork;
import io.hyphae.protocol.p2p.pubsub.PeerScoreParams;
import io.hyphae.protocol.p2p.pubsub.PeerScoreThresholds;
import io.hyphae.protocol.p2p.pubsub.PubsubProtocols;
import io.hyphae.protocol.p2p.pubsub.TopicScoreParams;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.MarketProto;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CapacityMarketTest {
  private static final ByteKey MODEL = ByteKey.copyOf(Multihash.sha256(new byte[] {1}).digest());
  private static final ByteKey OTHER_MODEL =
      ByteKey.copyOf(Multihash.sha256(new byte[] {2}).digest());
  private static final ByteKey PROFILE = ByteKey.copyOf(Multihash.sha256(new byte[] {3}).digest());

  private final SimulatedScheduler scheduler = new SimulatedScheduler();
  private final AdLimits limits = AdLimits.defaults();

  private static CapacityAd ad(
      Secp256k1PrivKey key, long now, long ttl, long seq, long price, long throughput) {
    return new CapacityAd(
        PeerId.fromPublicKey(key.publicKey()),
        key.publicKey().ethereumAddress(),
        new CapacityAd.Hardware("x86-64", 16, 64L << 30, "H100", 1, 80L << 30),
        List.of(new CapacityAd.ModelOffer(MODEL, PROFILE, BigInteger.valueOf(price), throughput)),
        4,
        BigInteger.TEN.pow(18),
        now,
        now + ttl,
        seq);
  }

  @Test
  void signedAdRoundTripsAndCarriesTheKeysEthereumAddress() throws AdException {
    Secp256k1PrivKey key = Secp256k1PrivKey.generate(new SecureRandom());
    CapacityAd ad = ad(key, 1000, 60_000, 1, 5, 300_000);
    CapacityAd back = SignedAds.verify(SignedAds.sign(key, ad), limits);
    assertThat(back.peerId()).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
    assertThat(back.ethAddress()).isEqualTo(ad.ethAddress());
    assertThat(back.models()).isEqualTo(ad.models());
    assertThat(back.stakeWei()).isEqualTo(BigInteger.TEN.pow(18));
  }

  @Test
  void ethereumAddressOfAKnownKeyMatchesGeth() {
    // Private key 1 is the generator point; its address is well known.
    byte[] one = new byte[32];
    one[31] = 1;
    assertThat(Secp256k1PrivKey.fromBytes(one).publicKey().ethereumAddress())
        .isEqualTo(java.util.HexFormat.of().parseHex("7e5f4552091a69125d5dfcb7b8c2659029395bdf"));
  }

  @Test
  void tamperedForgedOversizedAndGarbageAdsAreRefusedWithTypedReasons() {
    Secp256k1PrivKey key = Secp256k1PrivKey.generate(new SecureRandom());
    Secp256k1PrivKey other = Secp256k1PrivKey.generate(new SecureRandom());
    byte[] good = SignedAds.sign(key, ad(key, 1000, 60_000, 1, 5, 1));
    byte[] tampered = good.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> SignedAds.verify(tampered, limits))
        .isInstanceOfSatisfying(
            AdException.class, e -> assertThat(e.reason().isPenalised()).isTrue());

    CapacityAd wrongEth =
        new CapacityAd(
            PeerId.fromPublicKey(key.publicKey()),
            other.publicKey().ethereumAddress(),
            new CapacityAd.Hardware("", 1, 1, "", 0, 0),
            List.of(),
            1,
            BigInteger.ONE,
            1,
            2,
            1);
    assertThatThrownBy(() -> SignedAds.verify(SignedAds.sign(key, wrongEth), limits))
        .isInstanceOfSatisfying(
            AdException.class,
            e -> assertThat(e.reason()).isEqualTo(AdException.Reason.ETH_ADDRESS_MISMATCH));

    List<CapacityAd.ModelOffer> many = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      many.add(new CapacityAd.ModelOffer(MODEL, PROFILE, BigInteger.ONE, 1));
    }
    CapacityAd tooMany =
        new CapacityAd(
            PeerId.fromPublicKey(key.publicKey()),
            wrongEth.ethAddress(),
            wrongEth.hardware(),
            many,
            1,
            BigInteger.ONE,
            1,
            2,
            1);
    assertThatThrownBy(() -> SignedAds.verify(SignedAds.sign(key, tooMany), limits))
        .isInstanceOfSatisfying(
            AdException.class, e -> assertThat(e.reason()).isEqualTo(AdException.Reason.LIMITS));

    assertThatThrownBy(() -> SignedAds.verify(new byte[9000], limits))
        .isInstanceOfSatisfying(
            AdException.class, e -> assertThat(e.reason()).isEqualTo(AdException.Reason.TOO_LARGE));
    assertThatThrownBy(() -> SignedAds.verify(new byte[] {(byte) 0xff, 1, 2}, limits))
        .isInstanceOfSatisfying(
            AdException.class, e -> assertThat(e.reason()).isEqualTo(AdException.Reason.MALFORMED));
    byte[] hugePrice =
        MarketProto.SignedCapacityAd.newBuilder()
            .setAd(
                MarketProto.CapacityAd.newBuilder()
                    .setPeerId(ByteString.copyFrom(PeerId.fromPublicKey(key.publicKey()).toBytes()))
                    .setEthAddress(ByteString.copyFrom(new byte[20]))
                    .setStakeWei(ByteString.copyFrom(new byte[33]))
                    .setIssuedAtMs(1)
                    .setExpiresAtMs(2)
                    .build()
                    .toByteString())
            .build()
            .toByteArray();
    assertThatThrownBy(() -> SignedAds.verify(hugePrice, limits))
        .isInstanceOfSatisfying(
            AdException.class, e -> assertThat(e.reason()).isEqualTo(AdException.Reason.LIMITS));
  }

  @Test
  void viewKeepsLatestAdPerProviderDropsExpiredAndAnswersByThroughput() {
    MarketView view = new MarketView(scheduler::nowMillis, 100);
    long now = scheduler.nowMillis();
    Secp256k1PrivKey slow = Secp256k1PrivKey.generate(new SecureRandom());
    Secp256k1PrivKey fast = Secp256k1PrivKey.generate(new SecureRandom());
    Secp256k1PrivKey pricey = Secp256k1PrivKey.generate(new SecureRandom());
    assertThat(view.put(ad(slow, now, 60_000, 1, 5, 100_000))).isTrue();
    assertThat(view.put(ad(fast, now, 10_000, 1, 5, 900_000))).isTrue();
    assertThat(view.put(ad(pricey, now, 60_000, 1, 50, 2_000_000))).isTrue();
    assertThat(view.put(ad(slow, now, 60_000, 1, 1, 1))).as("same sequence is stale").isFalse();
    assertThat(view.put(ad(slow, now, 60_000, 2, 4, 200_000))).isTrue();

    List<MarketView.Offer> offers = view.providersOf(MODEL, BigInteger.valueOf(10), 1);
    assertThat(offers)
        .extracting(MarketView.Offer::provider)
        .containsExactly(
            PeerId.fromPublicKey(fast.publicKey()), PeerId.fromPublicKey(slow.publicKey()));
    assertThat(offers.get(1).pricePerShardWei()).isEqualTo(BigInteger.valueOf(4));
    assertThat(view.providersOf(OTHER_MODEL, BigInteger.TEN.pow(30), 0)).isEmpty();
    assertThat(view.providersOf(MODEL, BigInteger.valueOf(10), 5))
        .as("needs 5 free slots")
        .isEmpty();

    scheduler.advance(20_000);
    assertThat(view.providersOf(MODEL, BigInteger.valueOf(10), 1))
        .extracting(MarketView.Offer::provider)
        .containsExactly(PeerId.fromPublicKey(slow.publicKey()));
    assertThat(view.latest(PeerId.fromPublicKey(fast.publicKey()))).isEmpty();
  }

  // ------------------------------------------------------------- over gossip

  private final InMemoryPubsubNetwork network =
      new InMemoryPubsubNetwork(scheduler, new Random(3), 5, 20, 1000);
  private final Map<PeerId, CapacityMarket> markets = new HashMap<>();
  private final List<Secp256k1PrivKey> keys = new ArrayList<>();

  private void buildMarket(int n) {
    PeerScoreParams params =
        PeerScoreParams.defaults(Map.of(CapacityMarket.TOPIC, TopicScoreParams.lowRateTopic()));
    for (int i = 0; i < n; i++) {
      Secp256k1PrivKey key = Secp256k1PrivKey.generate(new SecureRandom());
      keys.add(key);
      InMemoryPubsubNetwork.Node node =
          network.addNode(
              key,
              GossipsubConfig.defaults(),
              params,
              PeerScoreThresholds.defaults(),
              "10.1.0." + i,
              PubsubProtocols.ALL);
      markets.put(
          PeerId.fromPublicKey(key.publicKey()),
          new CapacityMarket(node.router(), limits, scheduler::nowMillis));
    }
    network.connectRandomly(6);
    scheduler.advance(3_000);
  }

  private long viewsHolding(Secp256k1PrivKey provider) {
    return markets.values().stream()
        .filter(m -> m.view().latest(PeerId.fromPublicKey(provider.publicKey())).isPresent())
        .count();
  }

  @Test
  void validAdReachesEveryMarketView() {
    buildMarket(20);
    Secp256k1PrivKey provider = keys.get(0);
    markets
        .get(PeerId.fromPublicKey(provider.publicKey()))
        .publish(provider, ad(provider, scheduler.nowMillis(), 60_000, 1, 7, 500_000));
    scheduler.advance(2_000);
    assertThat(viewsHolding(provider)).isEqualTo(20);
    assertThat(
            markets
                .get(PeerId.fromPublicKey(keys.get(19).publicKey()))
                .view()
                .providersOf(MODEL, BigInteger.TEN, 1))
        .extracting(MarketView.Offer::provider)
        .containsExactly(PeerId.fromPublicKey(provider.publicKey()));
  }

  @Test
  void expiredOrForeignAdsAreNotForwarded() {
    buildMarket(20);
    Secp256k1PrivKey provider = keys.get(0);
    long now = scheduler.nowMillis();
    // Expired on arrival: the publisher's own view refuses it, and nobody forwards it.
    markets
        .get(PeerId.fromPublicKey(provider.publicKey()))
        .publish(provider, ad(provider, now - 120_000, 60_000, 1, 7, 1));
    // Someone else re-publishes a valid ad of provider 1 as its own message.
    Secp256k1PrivKey victim = keys.get(1);
    byte[] victimsAd = SignedAds.sign(victim, ad(victim, now, 60_000, 1, 7, 1));
    network
        .node(PeerId.fromPublicKey(keys.get(2).publicKey()))
        .router()
        .publish(CapacityMarket.TOPIC, victimsAd);
    scheduler.advance(2_000);
    assertThat(viewsHolding(provider)).isZero();
    assertThat(viewsHolding(victim)).as("only the republisher's own view took it").isEqualTo(1);
    long forwarded = network.nodes().stream().mapToLong(n -> n.router().stats().forwarded).sum();
    assertThat(forwarded).isZero();
  }

  @Test
  void adsFasterThanTheRateLimitAreIgnoredThenAcceptedLater() {
    buildMarket(10);
    Secp256k1PrivKey provider = keys.get(0);
    CapacityMarket mine = markets.get(PeerId.fromPublicKey(provider.publicKey()));
    mine.publish(provider, ad(provider, scheduler.nowMillis(), 60_000, 1, 7, 1));
    scheduler.advance(1_000);
    mine.publish(provider, ad(provider, scheduler.nowMillis(), 60_000, 2, 6, 1));
    scheduler.advance(1_000);
    CapacityMarket far = markets.get(PeerId.fromPublicKey(keys.get(9).publicKey()));
    assertThat(
            far.view().latest(PeerId.fromPublicKey(provider.publicKey())).orElseThrow().sequence())
        .isEqualTo(1);
    scheduler.advance(5_000);
    mine.publish(provider, ad(provider, scheduler.nowMillis(), 60_000, 3, 6, 1));
    scheduler.advance(1_000);
    assertThat(
            far.view().latest(PeerId.fromPublicKey(provider.publicKey())).orElseThrow().sequence())
        .isEqualTo(3);
    for (Secp256k1PrivKey k : keys.subList(1, keys.size())) {
      assertThat(
              network
                  .node(PeerId.fromPublicKey(k.publicKey()))
                  .router()
                  .score(PeerId.fromPublicKey(provider.publicKey())))
          .as("rate-limited ads are ignored, not penalised")
          .isGreaterThanOrEqualTo(0);
    }
  }
}
