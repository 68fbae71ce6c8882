package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.p2p.overlay.ByteKey;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Message ids seen within the TTL, bounded: the oldest are forgotten first. */
final class SeenCache {
  private final LinkedHashMap<ByteKey, Long> entries = new LinkedHashMap<>();
  private final long ttlMs;
  private final int maxEntries;

  SeenCache(long ttlMs, int maxEntries) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  /** Adds the id; false when it was already present (a duplicate). */
  boolean add(ByteKey id, long now) {
    expire(now);
    if (entries.containsKey(id)) {
      return false;
    }
    entries.put(id, now + ttlMs);
    if (entries.size() > maxEntries) {
      Iterator<ByteKey> it = entries.keySet().iterator();
      it.next();
      it.remove();
    }
    return true;
  }

  boolean contains(ByteKey id) {
    return entries.containsKey(id);
  }

  void expire(long now) {
    Iterator<Map.Entry<ByteKey, Long>> it = entries.entrySet().iterator();
    while (it.hasNext() && it.next().getValue() <= now) {
      it.remove();
    }
  }

  int size() {
    return entries.size();
  }
}
