package io.hyphae.protocol.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.MarketProto;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DiscoveryNode} on real hosts over loopback: four nodes join through one bootstrap peer, a
 * provider's ad reaches every view (a node joining later gets it from the ads snapshot), its
 * republished ad supersedes it, a model provider record is found by the model hash, and a peer's
 * addresses are found through the DHT and dialed.
 */
class DiscoveryNodeIT {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ByteKey MODEL =
      ByteKey.copyOf(
          Multihash.sha256("all-minilm-l6-v2-q".getBytes(StandardCharsets.UTF_8)).digest());

  private record Member(Secp256k1PrivKey key, Libp2pHost host, DiscoveryNode discovery) {
    PeerId id() {
      return host.peerId();
    }

    Multiaddr address() {
      return host.listenAddresses().get(0).withPeerId(host.peerId());
    }
  }

  private final List<Member> members = new ArrayList<>();

  private Member join(List<Multiaddr> bootstrap) throws Exception {
    Secp256k1PrivKey key = Secp256k1PrivKey.generate(RANDOM);
    Libp2pHost host = new Libp2pHost(HostConfig.defaults(key).withIoThreads(1));
    host.start().get(5, TimeUnit.SECONDS);
    DiscoveryNode discovery =
        DiscoveryNode.start(
                host,
                key,
                DiscoveryNode.Config.defaults(bootstrap).withAdLifetime(Duration.ofSeconds(30)))
            .get(20, TimeUnit.SECONDS);
    Member m = new Member(key, host, discovery);
    members.add(m);
    return m;
  }

  @AfterEach
  void stop() throws Exception {
    for (Member m : members) {
      m.discovery().stop().get(10, TimeUnit.SECONDS);
      m.host().stop().get(5, TimeUnit.SECONDS);
    }
    assertThat(io.hyphae.protocol.LeakRecorder.collect()).isEmpty();
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static List<CapacityAd> ads(Member m) {
    try {
      return m.discovery().ads().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean hasAd(Member at, Member provider, int freeSlots) {
    return ads(at).stream()
        .anyMatch(a -> a.peerId().equals(provider.id()) && a.freeSlots() == freeSlots);
  }

  @Test
  void adsReachEveryViewProvidersAreFoundByModelAndPeersByTheirId() throws Exception {
    Member boot = join(List.of());
    assertThat(boot.discovery().reachedBootstrapPeers()).isEmpty();
    for (int i = 0; i < 3; i++) {
      Member m = join(List.of(boot.address()));
      assertThat(m.discovery().reachedBootstrapPeers()).containsExactly(boot.id());
    }
    Member provider = members.get(1);
    int[] slots = {4};
    DiscoveryNode.Capacity[] capacity = new DiscoveryNode.Capacity[1];
    java.util.function.Supplier<DiscoveryNode.Capacity> now =
        () ->
            capacity[0] =
                new DiscoveryNode.Capacity(
                    new CapacityAd.Hardware("x86-64", 16, 64L << 30, "", 0, 0),
                    List.of(
                        new CapacityAd.ModelOffer(
                            MODEL, MODEL, BigInteger.valueOf(7_000_000_000L), 450_000)),
                    slots[0],
                    BigInteger.TEN.pow(18));
    // Publish once the provider's mesh has formed, else flood publishing is its only path.
    Thread.sleep(1_500);
    CapacityAd first = provider.discovery().advertise(now).get(10, TimeUnit.SECONDS);
    assertThat(first.ethAddress()).isEqualTo(provider.key().publicKey().ethereumAddress());
    for (Member m : members) {
      awaitTrue("the ad at " + m.id(), () -> hasAd(m, provider, 4));
    }
    List<MarketView.Offer> offers =
        boot.discovery().offers(MODEL, BigInteger.TEN.pow(10), 1).get(10, TimeUnit.SECONDS);
    assertThat(offers).extracting(MarketView.Offer::provider).containsExactly(provider.id());

    // A node joining now gets the ad from its bootstrap peer's snapshot, not from gossip.
    Member late = join(List.of(boot.address()));
    assertThat(ads(late)).extracting(CapacityAd::peerId).contains(provider.id());

    // A capacity change is republished with a higher sequence and supersedes the old ad.
    slots[0] = 1;
    CapacityAd second = provider.discovery().readvertise().get(20, TimeUnit.SECONDS);
    assertThat(second.sequence()).isGreaterThan(first.sequence());
    for (Member m : members) {
      awaitTrue("the new ad at " + m.id(), () -> hasAd(m, provider, 1));
    }

    // The model's provider record is found by the model hash.
    Member modelHost = members.get(3);
    assertThat(modelHost.discovery().announceModel(MODEL).get(20, TimeUnit.SECONDS)).isNotEmpty();
    List<PeerId> found = late.discovery().findModelProviders(MODEL, 1).get(20, TimeUnit.SECONDS);
    assertThat(found).containsExactly(modelHost.id());

    // The late node dialed only the bootstrap peer; the DHT tells it where the others listen.
    Member target = members.get(2);
    List<Multiaddr> addrs = late.discovery().findPeer(target.id()).get(20, TimeUnit.SECONDS);
    assertThat(addrs).contains(target.host().listenAddresses().get(0));
    Connection c = late.discovery().connect(target.id()).get(20, TimeUnit.SECONDS);
    assertThat(c.remotePeer()).isEqualTo(target.id());
  }

  @Test
  void unreachableBootstrapPeersAreReportedNotFatal() throws Exception {
    Secp256k1PrivKey absent = Secp256k1PrivKey.generate(RANDOM);
    Multiaddr nowhere =
        Multiaddr.parse("/ip4/127.0.0.1/tcp/1")
            .withPeerId(PeerId.fromPublicKey(absent.publicKey()));
    Member alone = join(List.of(nowhere));
    assertThat(alone.discovery().reachedBootstrapPeers()).isEmpty();
    assertThat(ads(alone)).isEmpty();
    PeerId stranger = PeerId.fromPublicKey(Secp256k1PrivKey.generate(RANDOM).publicKey());
    assertThat(alone.discovery().findPeer(stranger))
        .failsWithin(20, TimeUnit.SECONDS)
        .withThrowableThat()
        .withMessageContaining("no address found");
  }

  private static CapacityAd adOf(Secp256k1PrivKey key, long issuedAt, long lifetime) {
    return new CapacityAd(
        PeerId.fromPublicKey(key.publicKey()),
        key.publicKey().ethereumAddress(),
        new CapacityAd.Hardware("x86-64", 4, 8L << 30, "", 0, 0),
        List.of(new CapacityAd.ModelOffer(MODEL, MODEL, BigInteger.ONE, 1000)),
        1,
        BigInteger.ZERO,
        issuedAt,
        issuedAt + lifetime,
        1);
  }

  @Test
  void aSnapshotKeepsOnlyValidAdsOfWhatAPeerHandsOn() throws Exception {
    Secp256k1PrivKey rogueKey = Secp256k1PrivKey.generate(RANDOM);
    Libp2pHost rogue = new Libp2pHost(HostConfig.defaults(rogueKey).withIoThreads(1));
    try {
      rogue.start().get(5, TimeUnit.SECONDS);
      long now = System.currentTimeMillis();
      Secp256k1PrivKey honest = Secp256k1PrivKey.generate(RANDOM);
      byte[] valid = SignedAds.sign(honest, adOf(honest, now, 60_000));
      Secp256k1PrivKey tampered = Secp256k1PrivKey.generate(RANDOM);
      byte[] forged = SignedAds.sign(tampered, adOf(tampered, now, 60_000));
      forged[forged.length - 3] ^= 1; // inside the signature
      Secp256k1PrivKey late = Secp256k1PrivKey.generate(RANDOM);
      byte[] expired = SignedAds.sign(late, adOf(late, now - 120_000, 60_000));
      // A victim's ad signed with the forger's key (a valid signature, by the wrong key).
      Secp256k1PrivKey forger = Secp256k1PrivKey.generate(RANDOM);
      Secp256k1PrivKey victim = Secp256k1PrivKey.generate(RANDOM);
      MarketProto.SignedCapacityAd victimAd =
          MarketProto.SignedCapacityAd.parseFrom(SignedAds.sign(victim, adOf(victim, now, 60_000)));
      byte[] domain = "hyphae-capacity-ad:".getBytes(StandardCharsets.US_ASCII);
      byte[] body = victimAd.getAd().toByteArray();
      byte[] signedBytes = java.util.Arrays.copyOf(domain, domain.length + body.length);
      System.arraycopy(body, 0, signedBytes, domain.length, body.length);
      byte[] wrongSigner =
          victimAd.toBuilder()
              .setSignature(ByteString.copyFrom(forger.sign(signedBytes)))
              .build()
              .toByteArray();
      new io.hyphae.protocol.p2p.reqresp.RequestResponse<>(
              rogue,
              new io.hyphae.protocol.p2p.reqresp.RequestResponseProtocol<>(
                  DiscoveryNode.ADS_PROTOCOL,
                  io.hyphae.protocol.p2p.reqresp.MessageCodec.protobuf(
                      MarketProto.AdsRequest.parser()),
                  io.hyphae.protocol.p2p.reqresp.MessageCodec.protobuf(
                      MarketProto.AdsResponse.parser()),
                  1024,
                  1 << 20,
                  Duration.ofSeconds(10),
                  4))
          .serve(
              (from, request) ->
                  java.util.concurrent.CompletableFuture.completedFuture(
                      MarketProto.AdsResponse.newBuilder()
                          .addAds(ByteString.copyFrom(forged))
                          .addAds(ByteString.copyFrom(expired))
                          .addAds(ByteString.copyFrom(wrongSigner))
                          .addAds(ByteString.copyFromUtf8("not an ad"))
                          .addAds(ByteString.copyFrom(valid))
                          .build()));
      Member joiner = join(List.of(rogue.listenAddresses().get(0).withPeerId(rogue.peerId())));
      assertThat(joiner.discovery().reachedBootstrapPeers()).containsExactly(rogue.peerId());
      assertThat(ads(joiner))
          .extracting(CapacityAd::peerId)
          .containsExactly(PeerId.fromPublicKey(honest.publicKey()));
    } finally {
      rogue.stop().get(5, TimeUnit.SECONDS);
    }
  }
}
