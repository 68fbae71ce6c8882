package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.peer.PeerId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gossipsub v1.1 peer score: per topic time in mesh (P1), first deliveries (P2), mesh delivery
 * deficit (P3) and mesh failure penalty (P3b), invalid messages (P4); application score (P5), IP
 * colocation (P6) and behaviour penalty (P7). Counters decay every decay interval. Scores of
 * disconnected peers are retained for {@code retainScoreMs} so reconnecting does not reset them.
 * Not thread-safe: owned by the router.
 */
final class PeerScore {
  private final PeerScoreParams params;
  private final Map<PeerId, PeerStats> peers = new HashMap<>();
  private final Map<String, Set<PeerId>> peersByIp = new HashMap<>();
  private final LinkedHashMap<ByteKey, DeliveryRecord> deliveries = new LinkedHashMap<>();
  private final int maxDeliveryRecords;
  private final long deliveryRecordTtlMs;

  PeerScore(PeerScoreParams params, int maxDeliveryRecords, long deliveryRecordTtlMs) {
    this.params = params;
    this.maxDeliveryRecords = maxDeliveryRecords;
    this.deliveryRecordTtlMs = deliveryRecordTtlMs;
  }

  private static final class TopicStats {
    boolean inMesh;
    long graftTime;
    long meshTime;
    double firstMessageDeliveries;
    double meshMessageDeliveries;
    boolean meshMessageDeliveriesActive;
    double meshFailurePenalty;
    double invalidMessageDeliveries;
  }

  private static final class PeerStats {
    boolean connected;
    long expireAt;
    String ip;
    double behaviourPenalty;
    final Map<String, TopicStats> topics = new HashMap<>();
  }

  private enum Status {
    UNKNOWN,
    VALID,
    INVALID,
    IGNORED
  }

  private static final class DeliveryRecord {
    Status status = Status.UNKNOWN;
    final long firstSeen;
    long validated;
    final Set<PeerId> peers = new HashSet<>();
    final long expireAt;

    DeliveryRecord(long now, long ttl) {
      this.firstSeen = now;
      this.expireAt = now + ttl;
    }
  }

  void addPeer(PeerId peer, String ip, long now) {
    PeerStats stats = peers.computeIfAbsent(peer, p -> new PeerStats());
    stats.connected = true;
    stats.expireAt = 0;
    if (ip != null && !ip.isEmpty()) {
      stats.ip = ip;
      peersByIp.computeIfAbsent(ip, k -> new HashSet<>()).add(peer);
    }
  }

  void removePeer(PeerId peer, long now) {
    PeerStats stats = peers.get(peer);
    if (stats == null) {
      return;
    }
    if (stats.ip != null) {
      Set<PeerId> same = peersByIp.get(stats.ip);
      if (same != null) {
        same.remove(peer);
        if (same.isEmpty()) {
          peersByIp.remove(stats.ip);
        }
      }
    }
    // A peer with a positive score is forgotten; a negative one is retained so it cannot reset.
    if (score(peer, now) > 0 || params.maxRetainedScores() == 0) {
      peers.remove(peer);
      return;
    }
    for (Map.Entry<String, TopicStats> e : stats.topics.entrySet()) {
      TopicStats t = e.getValue();
      t.firstMessageDeliveries = 0;
      TopicScoreParams tp = params.topics().get(e.getKey());
      if (t.inMesh && tp != null && t.meshMessageDeliveriesActive) {
        double deficit = tp.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
        if (deficit > 0) {
          t.meshFailurePenalty += deficit * deficit;
        }
      }
      t.inMesh = false;
      t.meshMessageDeliveriesActive = false;
    }
    stats.connected = false;
    stats.expireAt = now + params.retainScoreMs();
    long retained = peers.values().stream().filter(s -> !s.connected).count();
    if (retained > params.maxRetainedScores()) {
      peers.remove(peer);
    }
  }

  void graft(PeerId peer, String topic, long now) {
    TopicStats t = topicStats(peer, topic);
    if (t != null) {
      t.inMesh = true;
      t.graftTime = now;
      t.meshTime = 0;
      t.meshMessageDeliveriesActive = false;
    }
  }

  void prune(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    TopicScoreParams tp = params.topics().get(topic);
    if (t == null || tp == null) {
      return;
    }
    if (t.meshMessageDeliveriesActive
        && t.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
      double deficit = tp.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
      t.meshFailurePenalty += deficit * deficit;
    }
    // Out of the mesh the deficit lives on as the sticky P3b only.
    t.inMesh = false;
    t.meshMessageDeliveriesActive = false;
  }

  void addPenalty(PeerId peer, int count) {
    PeerStats stats = peers.get(peer);
    if (stats != null) {
      stats.behaviourPenalty += count;
    }
  }

  /** A message was seen for the first time and goes to validation. */
  void validateMessage(ByteKey msgId, long now) {
    expireDeliveries(now);
    deliveries.computeIfAbsent(msgId, k -> new DeliveryRecord(now, deliveryRecordTtlMs));
    while (deliveries.size() > maxDeliveryRecords) {
      Iterator<ByteKey> it = deliveries.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  void deliverMessage(PeerId from, ByteKey msgId, String topic, long now) {
    markFirstDelivery(from, topic);
    DeliveryRecord rec = deliveries.get(msgId);
    if (rec == null) {
      return;
    }
    rec.status = Status.VALID;
    rec.validated = now;
    for (PeerId p : rec.peers) {
      if (!p.equals(from)) {
        markDuplicateDelivery(p, topic, now, rec.validated);
      }
    }
  }

  /** A message failed validation or the signature policy; penalises its deliverers (P4). */
  void rejectMessage(PeerId from, ByteKey msgId, String topic) {
    if (msgId == null) {
      markInvalidDelivery(from, topic);
      return;
    }
    DeliveryRecord rec = deliveries.get(msgId);
    if (rec == null) {
      markInvalidDelivery(from, topic);
      return;
    }
    rec.status = Status.INVALID;
    markInvalidDelivery(from, topic);
    for (PeerId p : rec.peers) {
      markInvalidDelivery(p, topic);
    }
    rec.peers.clear();
  }

  void ignoreMessage(ByteKey msgId) {
    DeliveryRecord rec = deliveries.get(msgId);
    if (rec != null) {
      rec.status = Status.IGNORED;
      rec.peers.clear();
    }
  }

  void duplicateMessage(PeerId from, ByteKey msgId, String topic, long now) {
    DeliveryRecord rec = deliveries.get(msgId);
    if (rec == null || rec.peers.contains(from)) {
      return;
    }
    switch (rec.status) {
      case UNKNOWN -> {
        if (rec.peers.size() < 64) {
          rec.peers.add(from);
        }
      }
      case VALID -> {
        rec.peers.add(from);
        markDuplicateDelivery(from, topic, now, rec.validated);
      }
      case INVALID -> markInvalidDelivery(from, topic);
      case IGNORED -> {}
    }
  }

  private void markInvalidDelivery(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    if (t != null) {
      t.invalidMessageDeliveries += 1;
    }
  }

  private void markFirstDelivery(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    TopicScoreParams tp = params.topics().get(topic);
    if (t == null || tp == null) {
      return;
    }
    t.firstMessageDeliveries =
        Math.min(t.firstMessageDeliveries + 1, tp.firstMessageDeliveriesCap());
    if (t.inMesh) {
      t.meshMessageDeliveries =
          Math.min(t.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap());
    }
  }

  private void markDuplicateDelivery(PeerId peer, String topic, long now, long validated) {
    TopicStats t = topicStats(peer, topic);
    TopicScoreParams tp = params.topics().get(topic);
    if (t == null || tp == null || !t.inMesh) {
      return;
    }
    if (validated > 0 && now - validated > tp.meshMessageDeliveriesWindowMs()) {
      return;
    }
    t.meshMessageDeliveries = Math.min(t.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap());
  }

  private TopicStats topicStats(PeerId peer, String topic) {
    PeerStats stats = peers.get(peer);
    if (stats == null || !params.topics().containsKey(topic)) {
      return null;
    }
    return stats.topics.computeIfAbsent(topic, k -> new TopicStats());
  }

  /** The peer's current score (0 for unknown peers). */
  double score(PeerId peer, long now) {
    PeerStats stats = peers.get(peer);
    if (stats == null) {
      return 0;
    }
    double topicsScore = 0;
    for (Map.Entry<String, TopicStats> e : stats.topics.entrySet()) {
      TopicScoreParams tp = params.topics().get(e.getKey());
      if (tp == null) {
        continue;
      }
      TopicStats t = e.getValue();
      double s = 0;
      if (t.inMesh) {
        double p1 = Math.min((double) t.meshTime / tp.timeInMeshQuantumMs(), tp.timeInMeshCap());
        s += p1 * tp.timeInMeshWeight();
      }
      s += t.firstMessageDeliveries * tp.firstMessageDeliveriesWeight();
      if (t.meshMessageDeliveriesActive
          && t.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
        double deficit = tp.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
        s += deficit * deficit * tp.meshMessageDeliveriesWeight();
      }
      s += t.meshFailurePenalty * tp.meshFailurePenaltyWeight();
      s +=
          t.invalidMessageDeliveries
              * t.invalidMessageDeliveries
              * tp.invalidMessageDeliveriesWeight();
      topicsScore += s * tp.topicWeight();
    }
    if (params.topicScoreCap() > 0 && topicsScore > params.topicScoreCap()) {
      topicsScore = params.topicScoreCap();
    }
    double score = topicsScore;
    score += params.appSpecificScore().applyAsDouble(peer) * params.appSpecificWeight();
    if (stats.ip != null && !params.ipColocationWhitelist().contains(stats.ip)) {
      Set<PeerId> same = peersByIp.get(stats.ip);
      int n = same == null ? 0 : same.size();
      if (n > params.ipColocationFactorThreshold()) {
        double surplus = n - params.ipColocationFactorThreshold();
        score += surplus * surplus * params.ipColocationFactorWeight();
      }
    }
    if (stats.behaviourPenalty > params.behaviourPenaltyThreshold()) {
      double excess = stats.behaviourPenalty - params.behaviourPenaltyThreshold();
      score += excess * excess * params.behaviourPenaltyWeight();
    }
    return score;
  }

  /** Decays counters and updates time in mesh; call every {@code decayIntervalMs}. */
  void refresh(long now) {
    Iterator<Map.Entry<PeerId, PeerStats>> it = peers.entrySet().iterator();
    while (it.hasNext()) {
      PeerStats stats = it.next().getValue();
      if (!stats.connected && now >= stats.expireAt) {
        it.remove();
        continue;
      }
      for (Map.Entry<String, TopicStats> e : stats.topics.entrySet()) {
        TopicScoreParams tp = params.topics().get(e.getKey());
        if (tp == null) {
          continue;
        }
        TopicStats t = e.getValue();
        t.firstMessageDeliveries =
            decay(t.firstMessageDeliveries, tp.firstMessageDeliveriesDecay());
        t.meshMessageDeliveries = decay(t.meshMessageDeliveries, tp.meshMessageDeliveriesDecay());
        t.meshFailurePenalty = decay(t.meshFailurePenalty, tp.meshFailurePenaltyDecay());
        t.invalidMessageDeliveries =
            decay(t.invalidMessageDeliveries, tp.invalidMessageDeliveriesDecay());
        if (t.inMesh) {
          t.meshTime = now - t.graftTime;
          if (t.meshTime > tp.meshMessageDeliveriesActivationMs()) {
            t.meshMessageDeliveriesActive = true;
          }
        }
      }
      stats.behaviourPenalty = decay(stats.behaviourPenalty, params.behaviourPenaltyDecay());
    }
    expireDeliveries(now);
  }

  private double decay(double value, double factor) {
    double v = value * factor;
    return v < params.decayToZero() ? 0 : v;
  }

  private void expireDeliveries(long now) {
    Iterator<DeliveryRecord> it = deliveries.values().iterator();
    while (it.hasNext()) {
      if (it.next().expireAt > now) {
        break;
      }
      it.remove();
    }
  }

  int trackedPeers() {
    return peers.size();
  }
}
