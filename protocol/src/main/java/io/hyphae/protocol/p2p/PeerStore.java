package io.hyphae.protocol.p2p;

import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiaddr.Protocol;
import io.hyphae.protocol.peer.PeerId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The addresses we know for other peers: peer id → multiaddrs (without {@code /p2p}), each with its
 * own expiry. Fed by identify (a connected peer's listen addresses), by outbound connections (the
 * address that worked) and by DHT replies (addresses other peers vouch for, kept briefly). Bounded:
 * at most {@code maxPeers} peers (the least recently updated one makes room) and {@code
 * maxAddressesPerPeer} addresses each (the one expiring soonest makes room). Thread-safe.
 */
public final class PeerStore {
  /** While connected: until the last connection closes, then {@link #RECENTLY_CONNECTED_TTL_MS}. */
  public static final long CONNECTED_TTL_MS = Long.MAX_VALUE / 4;

  /** After the last connection to a peer closed (libp2p's RecentlyConnectedAddrTTL). */
  public static final long RECENTLY_CONNECTED_TTL_MS = 15 * 60_000L;

  /** Learned from another peer's DHT reply: unverified, kept briefly (libp2p's TempAddrTTL). */
  public static final long TEMP_TTL_MS = 2 * 60_000L;

  /** Announced by a provider itself in ADD_PROVIDER (as long as the provider record lives). */
  public static final long PROVIDER_TTL_MS = 30 * 60_000L;

  private final LongSupplier clockMillis;
  private final int maxPeers;
  private final int maxAddressesPerPeer;
  // access order off: the eldest entry is the least recently updated peer
  private final LinkedHashMap<PeerId, LinkedHashMap<Multiaddr, Long>> peers = new LinkedHashMap<>();

  public PeerStore(LongSupplier clockMillis, int maxPeers, int maxAddressesPerPeer) {
    if (maxPeers < 1 || maxAddressesPerPeer < 1) {
      throw new IllegalArgumentException("bounds must be positive");
    }
    this.clockMillis = clockMillis;
    this.maxPeers = maxPeers;
    this.maxAddressesPerPeer = maxAddressesPerPeer;
  }

  /** 10 000 peers of up to 16 addresses, on the monotonic clock. */
  public static PeerStore defaults() {
    return new PeerStore(() -> System.nanoTime() / 1_000_000L, 10_000, 16);
  }

  /**
   * Adds (or extends the life of) addresses of {@code peer}, each kept {@code ttlMs}. An address
   * ending in {@code /p2p/<id>} is taken only when the id is {@code peer}'s; a known address keeps
   * the later of its old and new expiry.
   */
  public void addAddresses(PeerId peer, Collection<Multiaddr> addresses, long ttlMs) {
    if (addresses.isEmpty() || ttlMs <= 0) {
      return;
    }
    long now = clockMillis.getAsLong();
    long expiry = ttlMs >= CONNECTED_TTL_MS ? CONNECTED_TTL_MS : now + ttlMs;
    synchronized (this) {
      LinkedHashMap<Multiaddr, Long> known = peers.remove(peer);
      if (known == null) {
        known = new LinkedHashMap<>();
      }
      for (Multiaddr a : addresses) {
        Multiaddr plain;
        try {
          Optional<PeerId> named = a.peerId();
          if (named.isPresent() && !named.get().equals(peer)) {
            continue;
          }
          plain = a.withoutPeerId();
          if (plain.components().isEmpty() || unspecified(plain)) {
            continue;
          }
        } catch (RuntimeException e) {
          continue; // a /p2p value that is not a peer id
        }
        known.merge(plain, expiry, Math::max);
      }
      prune(known, now);
      while (known.size() > maxAddressesPerPeer) {
        Multiaddr soonest = null;
        long soonestExpiry = Long.MAX_VALUE;
        for (Map.Entry<Multiaddr, Long> e : known.entrySet()) {
          if (e.getValue() < soonestExpiry) {
            soonest = e.getKey();
            soonestExpiry = e.getValue();
          }
        }
        known.remove(soonest);
      }
      if (known.isEmpty()) {
        return;
      }
      peers.put(peer, known);
      while (peers.size() > maxPeers) {
        Iterator<PeerId> it = peers.keySet().iterator();
        it.next();
        it.remove();
      }
    }
  }

  /**
   * Ends the "connected" life of {@code peer}'s addresses: they now expire after {@code ttlMs}
   * (called when the last connection to it closes).
   */
  public synchronized void downgrade(PeerId peer, long ttlMs) {
    LinkedHashMap<Multiaddr, Long> known = peers.get(peer);
    if (known == null) {
      return;
    }
    long until = clockMillis.getAsLong() + ttlMs;
    known.replaceAll((a, expiry) -> Math.min(expiry, until));
  }

  /** The unexpired addresses of {@code peer}, longest-lived first (empty when none). */
  public synchronized List<Multiaddr> addresses(PeerId peer) {
    LinkedHashMap<Multiaddr, Long> known = peers.get(peer);
    if (known == null) {
      return List.of();
    }
    prune(known, clockMillis.getAsLong());
    if (known.isEmpty()) {
      peers.remove(peer);
      return List.of();
    }
    List<Map.Entry<Multiaddr, Long>> entries = new ArrayList<>(known.entrySet());
    entries.sort(Map.Entry.<Multiaddr, Long>comparingByValue().reversed());
    List<Multiaddr> out = new ArrayList<>(entries.size());
    for (Map.Entry<Multiaddr, Long> e : entries) {
      out.add(e.getKey());
    }
    return out;
  }

  public synchronized void remove(PeerId peer) {
    peers.remove(peer);
  }

  /** Peers with at least one address entry (some may have expired since). */
  public synchronized int size() {
    return peers.size();
  }

  /** {@code /ip4/0.0.0.0/...} or {@code /ip6/::/...}: a wildcard bind, not a dialable address. */
  private static boolean unspecified(Multiaddr a) {
    Multiaddr.Component first = a.components().get(0);
    if (first.protocol() != Protocol.IP4 && first.protocol() != Protocol.IP6) {
      return false;
    }
    for (byte b : first.value()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static void prune(Map<Multiaddr, Long> known, long now) {
    known.values().removeIf(expiry -> expiry <= now);
  }
}
