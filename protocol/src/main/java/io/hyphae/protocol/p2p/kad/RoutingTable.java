package io.hyphae.protocol.p2p.kad;

import io.hyphae.protocol.peer.PeerId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * k-buckets by common prefix length with our own key: bucket i holds up to k peers whose keys share
 * exactly i leading bits with ours, least recently seen first. A full bucket keeps its peers (old
 * live peers are the most reliable, per the Kademlia paper) and refuses the newcomer; peers that
 * fail requests are removed, making room.
 */
public final class RoutingTable {
  private final KadKey self;
  private final int k;
  private final List<LinkedHashSet<PeerId>> buckets = new ArrayList<>();
  private final java.util.Map<PeerId, KadKey> keys = new java.util.HashMap<>();

  public RoutingTable(PeerId self, int k) {
    this.self = KadKey.of(self);
    this.k = k;
    for (int i = 0; i <= 256; i++) {
      buckets.add(new LinkedHashSet<>());
    }
  }

  /** Records that {@code peer} is alive; false when its bucket is full. */
  public boolean add(PeerId peer) {
    KadKey key = keys.containsKey(peer) ? keys.get(peer) : KadKey.of(peer);
    if (key.equals(self)) {
      return false;
    }
    LinkedHashSet<PeerId> bucket = buckets.get(self.commonPrefixLength(key));
    if (bucket.remove(peer)) {
      bucket.add(peer);
      return true;
    }
    if (bucket.size() >= k) {
      return false;
    }
    bucket.add(peer);
    keys.put(peer, key);
    return true;
  }

  public void remove(PeerId peer) {
    KadKey key = keys.remove(peer);
    if (key != null) {
      buckets.get(self.commonPrefixLength(key)).remove(peer);
    }
  }

  public boolean contains(PeerId peer) {
    return keys.containsKey(peer);
  }

  public int size() {
    return keys.size();
  }

  /** The {@code n} known peers closest to {@code target}. */
  public List<PeerId> closest(KadKey target, int n) {
    java.util.TreeMap<java.math.BigInteger, PeerId> sorted = new java.util.TreeMap<>();
    for (java.util.Map.Entry<PeerId, KadKey> e : keys.entrySet()) {
      sorted.put(e.getValue().distance(target), e.getKey());
      if (sorted.size() > n) {
        sorted.pollLastEntry();
      }
    }
    return new ArrayList<>(sorted.values());
  }
}
