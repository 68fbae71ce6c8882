package io.hyphae.protocol.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeerStoreTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final AtomicLong now = new AtomicLong(1_000);
  private final PeerStore store = new PeerStore(now::get, 2, 2);

  private static PeerId peer() {
    return PeerId.fromPublicKey(Secp256k1PrivKey.generate(RANDOM).publicKey());
  }

  private static Multiaddr tcp(int port) {
    return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port);
  }

  @Test
  void addressesExpireAfterTheirTtlAndConnectedOnesOnlyAfterADowngrade() {
    PeerId p = peer();
    store.addAddresses(p, List.of(tcp(1)), 100);
    store.addAddresses(p, List.of(tcp(2)), PeerStore.CONNECTED_TTL_MS);
    assertThat(store.addresses(p)).containsExactly(tcp(2), tcp(1));
    now.addAndGet(100);
    assertThat(store.addresses(p)).containsExactly(tcp(2));
    now.addAndGet(10 * PeerStore.RECENTLY_CONNECTED_TTL_MS);
    assertThat(store.addresses(p)).containsExactly(tcp(2));
    store.downgrade(p, 50);
    now.addAndGet(50);
    assertThat(store.addresses(p)).isEmpty();
    assertThat(store.size()).isZero();
  }

  @Test
  void foreignPeerIdsAndWildcardAddressesAreRefused() {
    PeerId p = peer();
    PeerId other = peer();
    store.addAddresses(
        p,
        List.of(
            tcp(1).withPeerId(other),
            Multiaddr.parse("/ip4/0.0.0.0/tcp/5"),
            Multiaddr.parse("/ip6/::/tcp/5"),
            tcp(3).withPeerId(p)),
        1_000);
    assertThat(store.addresses(p)).containsExactly(tcp(3));
  }

  @Test
  void boundsEvictTheSoonestExpiringAddressAndTheLeastRecentlyUpdatedPeer() {
    PeerId a = peer();
    store.addAddresses(a, List.of(tcp(1)), 10);
    store.addAddresses(a, List.of(tcp(2), tcp(3)), 1_000);
    assertThat(store.addresses(a)).containsExactlyInAnyOrder(tcp(2), tcp(3));
    PeerId b = peer();
    PeerId c = peer();
    store.addAddresses(b, List.of(tcp(4)), 1_000);
    store.addAddresses(a, List.of(tcp(2)), 2_000); // a is now the most recently updated
    store.addAddresses(c, List.of(tcp(5)), 1_000);
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.addresses(b)).isEmpty();
    assertThat(store.addresses(a)).isNotEmpty();
    assertThat(store.addresses(c)).containsExactly(tcp(5));
  }
}
