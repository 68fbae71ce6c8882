package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gossipsub message cache: the last {@code mcacheLen} heartbeat windows of forwarded messages,
 * served to IWANT requests; ids of the newest {@code mcacheGossip} windows are advertised in IHAVE.
 * Bounded by {@code maxEntries} (the oldest messages are dropped first).
 */
final class MessageCache {
  private final int gossipWindows;
  private final int maxEntries;
  private final Deque<List<ByteKey>> windows = new ArrayDeque<>();
  private final Map<ByteKey, Entry> messages = new HashMap<>();

  private static final class Entry {
    final PubsubProto.Message message;
    final Map<PeerId, Integer> transmissions = new HashMap<>();

    Entry(PubsubProto.Message message) {
      this.message = message;
    }
  }

  MessageCache(int windowCount, int gossipWindows, int maxEntries) {
    this.gossipWindows = gossipWindows;
    this.maxEntries = maxEntries;
    for (int i = 0; i < windowCount; i++) {
      windows.addLast(new ArrayList<>());
    }
  }

  void put(ByteKey id, PubsubProto.Message message) {
    if (messages.containsKey(id)) {
      return;
    }
    while (messages.size() >= maxEntries && evictOldest()) {
      // drop the oldest until there is room
    }
    messages.put(id, new Entry(message));
    windows.peekFirst().add(id);
  }

  private boolean evictOldest() {
    var it = windows.descendingIterator();
    while (it.hasNext()) {
      List<ByteKey> w = it.next();
      if (!w.isEmpty()) {
        messages.remove(w.remove(0));
        return true;
      }
    }
    return false;
  }

  PubsubProto.Message get(ByteKey id) {
    Entry e = messages.get(id);
    return e == null ? null : e.message;
  }

  /** The message for an IWANT from {@code peer}, or null past {@code maxTransmissions}. */
  PubsubProto.Message getForPeer(ByteKey id, PeerId peer, int maxTransmissions) {
    Entry e = messages.get(id);
    if (e == null) {
      return null;
    }
    int count = e.transmissions.merge(peer, 1, Integer::sum);
    return count > maxTransmissions ? null : e.message;
  }

  /** Ids of the gossip windows for {@code topic}. */
  List<ByteKey> gossipIds(String topic) {
    List<ByteKey> out = new ArrayList<>();
    int i = 0;
    for (List<ByteKey> w : windows) {
      if (i++ >= gossipWindows) {
        break;
      }
      for (ByteKey id : w) {
        Entry e = messages.get(id);
        if (e != null && e.message.getTopic().equals(topic)) {
          out.add(id);
        }
      }
    }
    return out;
  }

  /** Starts a new window, dropping the oldest one's messages. */
  void shift() {
    List<ByteKey> last = windows.removeLast();
    for (ByteKey id : last) {
      messages.remove(id);
    }
    windows.addFirst(new ArrayList<>());
  }

  int size() {
    return messages.size();
  }
}
