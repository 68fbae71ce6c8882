package io.hyphae.protocol.p2p.pubsub;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.overlay.Scheduler;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gossipsub v1.1/v1.2 router state machine. Single-threaded: every public method must be called
 * on the scheduler's thread (the host adapter and {@link InMemoryPubsubNetwork} do so). Peer-caused
 * problems (bad signatures, invalid messages, protocol violations) become score penalties and DEBUG
 * lines, never exceptions.
 */
public final class GossipsubRouter {
  private static final Logger LOG = LoggerFactory.getLogger(GossipsubRouter.class);

  private final PrivKey self;
  private final PeerId selfId;
  private final GossipsubConfig config;
  private final PeerScoreThresholds thresholds;
  private final PeerScore score;
  private final long scoreDecayIntervalMs;
  private final Scheduler scheduler;
  private final PubsubTransport transport;
  private final Random random;

  private final Map<PeerId, PeerState> peers = new HashMap<>();
  private final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
  private final Map<String, Set<PeerId>> mesh = new HashMap<>();
  private final Map<String, Set<PeerId>> fanout = new HashMap<>();
  private final Map<String, Long> lastPublished = new HashMap<>();
  private final Map<String, Consumer<PubsubMessage>> subscriptions = new LinkedHashMap<>();
  private final Map<String, MessageValidator> validators = new HashMap<>();
  private final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
  private final Map<ByteKey, Map<PeerId, Long>> promises = new LinkedHashMap<>();
  private final SeenCache seen;
  private final MessageCache mcache;
  private final Stats stats = new Stats();

  private long seqno;
  private long heartbeatTicks;
  private long lastScoreRefresh;
  private Scheduler.Cancellable heartbeatTask;

  private static final class PeerState {
    final String protocol;
    final boolean outbound;
    final Set<String> topics = new HashSet<>();
    final LinkedHashMap<ByteKey, Long> dontSend = new LinkedHashMap<>();
    int ihaveReceived;
    int iasked;

    PeerState(String protocol, boolean outbound) {
      this.protocol = protocol;
      this.outbound = outbound;
    }
  }

  /** Counters for tests, metrics and benchmarks. */
  public static final class Stats {
    public long published;
    public long delivered;
    public long forwarded;
    public long duplicates;
    public long rejected;
    public long ignored;
    public long invalidSignatures;
    public long graylistedRpcs;
    public long malformedRpcs;
    public long iwantServed;
    public long idontwantSkipped;
  }

  public GossipsubRouter(
      PrivKey self,
      GossipsubConfig config,
      PeerScoreParams scoreParams,
      PeerScoreThresholds thresholds,
      Scheduler scheduler,
      PubsubTransport transport,
      Random random) {
    this.self = self;
    this.selfId = PeerId.fromPublicKey(self.publicKey());
    this.config = config;
    this.thresholds = thresholds;
    this.score = new PeerScore(scoreParams, config.seenMaxEntries(), config.seenTtlMs());
    this.scoreDecayIntervalMs = scoreParams.decayIntervalMs();
    this.scheduler = scheduler;
    this.transport = transport;
    this.random = random;
    this.seen = new SeenCache(config.seenTtlMs(), config.seenMaxEntries());
    this.mcache =
        new MessageCache(config.mcacheLen(), config.mcacheGossip(), config.mcacheMaxEntries());
    this.seqno = scheduler.nowMillis() * 1_000_000L;
  }

  public PeerId peerId() {
    return selfId;
  }

  public Stats stats() {
    return stats;
  }

  /** Starts the heartbeat. */
  public void start() {
    lastScoreRefresh = scheduler.nowMillis();
    scheduleHeartbeat();
  }

  public void stop() {
    if (heartbeatTask != null) {
      heartbeatTask.cancel();
      heartbeatTask = null;
    }
  }

  private void scheduleHeartbeat() {
    heartbeatTask =
        scheduler.schedule(
            config.heartbeatIntervalMs(),
            () -> {
              if (heartbeatTask != null) {
                heartbeat();
                scheduleHeartbeat();
              }
            });
  }

  // ---------------------------------------------------------------- peers

  /** A peer opened a pubsub stream with us (or we with it) speaking {@code protocol}. */
  public void attachPeer(PeerId peer, String protocol, boolean outbound, String ip) {
    if (peers.containsKey(peer) || peer.equals(selfId)) {
      return;
    }
    if (peers.size() >= config.maxPeers()) {
      LOG.debug("pubsub peer {} refused: peer limit {}", peer, config.maxPeers());
      return;
    }
    peers.put(peer, new PeerState(protocol, outbound));
    score.addPeer(peer, ip, scheduler.nowMillis());
    if (!subscriptions.isEmpty()) {
      PubsubProto.RPC.Builder rpc = PubsubProto.RPC.newBuilder();
      for (String topic : subscriptions.keySet()) {
        rpc.addSubscriptions(subOpts(topic, true));
      }
      transport.send(peer, rpc.build());
    }
  }

  public void detachPeer(PeerId peer) {
    PeerState state = peers.remove(peer);
    if (state == null) {
      return;
    }
    for (String topic : state.topics) {
      removeFrom(topicPeers, topic, peer);
    }
    for (Set<PeerId> m : mesh.values()) {
      m.remove(peer);
    }
    for (Set<PeerId> f : fanout.values()) {
      f.remove(peer);
    }
    score.removePeer(peer, scheduler.nowMillis());
  }

  public Set<PeerId> peers() {
    return Collections.unmodifiableSet(peers.keySet());
  }

  public Set<PeerId> meshPeers(String topic) {
    return Set.copyOf(mesh.getOrDefault(topic, Set.of()));
  }

  public double score(PeerId peer) {
    return score.score(peer, scheduler.nowMillis());
  }

  // ---------------------------------------------------------------- subscriptions

  /** Subscribes to {@code topic}: joins its mesh and delivers accepted messages to the handler. */
  public void subscribe(String topic, Consumer<PubsubMessage> handler) {
    boolean fresh = subscriptions.put(topic, handler) == null;
    if (!fresh) {
      return;
    }
    for (PeerId p : peers.keySet()) {
      transport.send(
          p, PubsubProto.RPC.newBuilder().addSubscriptions(subOpts(topic, true)).build());
    }
    join(topic);
  }

  public void unsubscribe(String topic) {
    if (subscriptions.remove(topic) == null) {
      return;
    }
    for (PeerId p : peers.keySet()) {
      transport.send(
          p, PubsubProto.RPC.newBuilder().addSubscriptions(subOpts(topic, false)).build());
    }
    Set<PeerId> m = mesh.remove(topic);
    if (m != null) {
      for (PeerId p : m) {
        score.prune(p, topic);
        addBackoff(p, topic, config.unsubscribeBackoffMs());
        sendControl(
            p,
            PubsubProto.ControlMessage.newBuilder()
                .addPrune(prune(p, topic, false, config.unsubscribeBackoffMs()))
                .build());
      }
    }
  }

  /** Installs the validation hook of {@code topic}. */
  public void addValidator(String topic, MessageValidator validator) {
    validators.put(topic, validator);
  }

  private void join(String topic) {
    Set<PeerId> m = new LinkedHashSet<>();
    Set<PeerId> fan = fanout.remove(topic);
    lastPublished.remove(topic);
    if (fan != null) {
      for (PeerId p : fan) {
        if (score(p) >= 0 && !inBackoff(p, topic)) {
          m.add(p);
        }
      }
    }
    if (m.size() < config.d()) {
      List<PeerId> candidates =
          candidates(topic, p -> !m.contains(p) && !inBackoff(p, topic) && score(p) >= 0);
      for (PeerId p : candidates) {
        if (m.size() >= config.d()) {
          break;
        }
        m.add(p);
      }
    }
    mesh.put(topic, m);
    for (PeerId p : m) {
      score.graft(p, topic, scheduler.nowMillis());
      sendControl(
          p,
          PubsubProto.ControlMessage.newBuilder()
              .addGraft(PubsubProto.ControlGraft.newBuilder().setTopicID(topic))
              .build());
    }
  }

  // ---------------------------------------------------------------- publish

  /** Signs and publishes {@code data}; returns the message id. */
  public ByteKey publish(String topic, byte[] data) {
    if (data.length > config.limits().maxDataBytes()) {
      throw new IllegalArgumentException(
          "message of " + data.length + " bytes exceeds " + config.limits().maxDataBytes());
    }
    PubsubProto.Message msg = StrictSign.sign(self, topic, data, ++seqno);
    ByteKey id = ByteKey.copyOf(config.messageIdFunction().apply(msg));
    seen.add(id, scheduler.nowMillis());
    mcache.put(id, msg);
    stats.published++;
    Set<PeerId> targets = new LinkedHashSet<>();
    if (config.floodPublish()) {
      for (PeerId p : topicPeers.getOrDefault(topic, Set.of())) {
        if (score(p) >= thresholds.publish()) {
          targets.add(p);
        }
      }
    } else if (mesh.containsKey(topic)) {
      targets.addAll(mesh.get(topic));
    } else {
      Set<PeerId> fan = fanout.get(topic);
      if (fan == null || fan.isEmpty()) {
        fan = new LinkedHashSet<>();
        for (PeerId p : candidates(topic, p -> score(p) >= thresholds.publish())) {
          if (fan.size() >= config.d()) {
            break;
          }
          fan.add(p);
        }
        fanout.put(topic, fan);
      }
      targets.addAll(fan);
      lastPublished.put(topic, scheduler.nowMillis());
    }
    PubsubProto.RPC rpc = PubsubProto.RPC.newBuilder().addPublish(msg).build();
    for (PeerId p : targets) {
      transport.send(p, rpc);
    }
    Consumer<PubsubMessage> handler = subscriptions.get(topic);
    if (handler != null) {
      handler.accept(toPubsubMessage(msg, id));
    }
    return id;
  }

  // ---------------------------------------------------------------- incoming

  /** A frame from {@code peer} could not be decoded; penalise and drop it. */
  public void handleMalformedRpc(PeerId peer, String reason) {
    stats.malformedRpcs++;
    score.addPenalty(peer, 1);
    LOG.debug("pubsub peer {} sent a malformed RPC: {}", peer, reason);
  }

  /** Processes one decoded RPC from {@code from}. */
  public void handleRpc(PeerId from, PubsubProto.RPC rpc) {
    PeerState state = peers.get(from);
    if (state == null) {
      return;
    }
    if (score(from) < thresholds.graylist()) {
      stats.graylistedRpcs++;
      return;
    }
    for (PubsubProto.RPC.SubOpts sub : rpc.getSubscriptionsList()) {
      handleSubscription(from, state, sub);
    }
    for (PubsubProto.Message msg : rpc.getPublishList()) {
      handleMessage(from, msg);
    }
    if (rpc.hasControl()) {
      handleControl(from, state, rpc.getControl());
    }
  }

  private void handleSubscription(PeerId from, PeerState state, PubsubProto.RPC.SubOpts sub) {
    String topic = sub.getTopicid();
    if (topic.isEmpty()) {
      return;
    }
    if (sub.getSubscribe()) {
      if (state.topics.size() >= config.maxTopicsPerPeer() && !state.topics.contains(topic)) {
        score.addPenalty(from, 1);
        return;
      }
      state.topics.add(topic);
      topicPeers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(from);
    } else {
      state.topics.remove(topic);
      removeFrom(topicPeers, topic, from);
      Set<PeerId> m = mesh.get(topic);
      if (m != null && m.remove(from)) {
        score.prune(from, topic);
      }
    }
  }

  private void handleMessage(PeerId from, PubsubProto.Message msg) {
    long now = scheduler.nowMillis();
    String topic = msg.getTopic();
    if (!subscriptions.containsKey(topic)) {
      // Not our topic: go and js drop these without penalty.
      stats.ignored++;
      return;
    }
    ByteKey id = ByteKey.copyOf(config.messageIdFunction().apply(msg));
    if (seen.contains(id)) {
      stats.duplicates++;
      score.duplicateMessage(from, id, topic, now);
      return;
    }
    // Verified before it enters the seen cache, so a forged copy cannot shadow the real message.
    Optional<StrictSign.Failure> failure = StrictSign.verify(msg);
    if (failure.isPresent()) {
      stats.invalidSignatures++;
      score.rejectMessage(from, null, topic);
      LOG.debug("pubsub peer {} sent a message failing StrictSign: {}", from, failure.get());
      return;
    }
    seen.add(id, now);
    // The originator's own echo of its message is simply a duplicate; first sight from here on.
    PeerId author = PeerId.fromBytes(msg.getFrom().toByteArray());
    if (author.equals(selfId)) {
      return;
    }
    score.validateMessage(id, now);
    Set<PeerId> meshPeers = mesh.get(topic);
    if (meshPeers != null && msg.getData().size() >= config.idontwantMinSize()) {
      PubsubProto.ControlMessage dontWant =
          PubsubProto.ControlMessage.newBuilder()
              .addIdontwant(
                  PubsubProto.ControlIDontWant.newBuilder()
                      .addMessageIDs(ByteString.copyFrom(id.toBytes())))
              .build();
      for (PeerId p : meshPeers) {
        PeerState ps = peers.get(p);
        if (!p.equals(from) && ps != null && PubsubProtocols.supportsIDontWant(ps.protocol)) {
          sendControl(p, dontWant);
        }
      }
    }
    PubsubMessage pm = toPubsubMessage(msg, id);
    ValidationResult verdict = validate(from, pm);
    promises.remove(id);
    switch (verdict) {
      case REJECT -> {
        stats.rejected++;
        score.rejectMessage(from, id, topic);
        LOG.debug("pubsub peer {} sent a message rejected by the validator of {}", from, topic);
        return;
      }
      case IGNORE -> {
        stats.ignored++;
        score.ignoreMessage(id);
        return;
      }
      case ACCEPT -> score.deliverMessage(from, id, topic, now);
    }
    mcache.put(id, msg);
    Consumer<PubsubMessage> handler = subscriptions.get(topic);
    if (handler != null) {
      stats.delivered++;
      handler.accept(pm);
    }
    forward(from, author, id, msg);
  }

  private ValidationResult validate(PeerId from, PubsubMessage pm) {
    MessageValidator v = validators.get(pm.topic());
    if (v == null) {
      return ValidationResult.ACCEPT;
    }
    try {
      ValidationResult r = v.validate(from, pm);
      return r == null ? ValidationResult.REJECT : r;
    } catch (RuntimeException e) {
      LOG.debug("validator of {} threw; rejecting", pm.topic(), e);
      return ValidationResult.REJECT;
    }
  }

  private void forward(PeerId from, PeerId author, ByteKey id, PubsubProto.Message msg) {
    Set<PeerId> targets = mesh.getOrDefault(msg.getTopic(), Set.of());
    PubsubProto.RPC rpc = null;
    for (PeerId p : targets) {
      if (p.equals(from) || p.equals(author)) {
        continue;
      }
      PeerState ps = peers.get(p);
      if (ps == null) {
        continue;
      }
      if (ps.dontSend.containsKey(id)) {
        stats.idontwantSkipped++;
        continue;
      }
      if (rpc == null) {
        rpc = PubsubProto.RPC.newBuilder().addPublish(msg).build();
      }
      stats.forwarded++;
      transport.send(p, rpc);
    }
  }

  private void handleControl(PeerId from, PeerState state, PubsubProto.ControlMessage control) {
    List<PubsubProto.Message> iwantReply = handleIWant(from, control);
    PubsubProto.ControlIWant iwant = handleIHave(from, state, control);
    List<PubsubProto.ControlPrune> prunes = handleGraft(from, state, control);
    handlePrune(from, control);
    handleIDontWant(from, state, control);
    if (iwantReply.isEmpty() && iwant == null && prunes.isEmpty()) {
      return;
    }
    PubsubProto.RPC.Builder reply = PubsubProto.RPC.newBuilder().addAllPublish(iwantReply);
    if (iwant != null || !prunes.isEmpty()) {
      PubsubProto.ControlMessage.Builder c = PubsubProto.ControlMessage.newBuilder();
      if (iwant != null) {
        c.addIwant(iwant);
      }
      c.addAllPrune(prunes);
      reply.setControl(c);
    }
    transport.send(from, reply.build());
  }

  private PubsubProto.ControlIWant handleIHave(
      PeerId from, PeerState state, PubsubProto.ControlMessage control) {
    if (control.getIhaveCount() == 0 || score(from) < thresholds.gossip()) {
      return null;
    }
    if (++state.ihaveReceived > config.maxIHaveMessages()) {
      LOG.debug("pubsub peer {} sent too many IHAVE this heartbeat", from);
      return null;
    }
    if (state.iasked >= config.maxIHaveLength()) {
      return null;
    }
    List<ByteKey> want = new ArrayList<>();
    Set<ByteKey> dedup = new HashSet<>();
    for (PubsubProto.ControlIHave ihave : control.getIhaveList()) {
      if (!mesh.containsKey(ihave.getTopicID())) {
        continue;
      }
      for (ByteString raw : ihave.getMessageIDsList()) {
        ByteKey id = ByteKey.copyOf(raw.toByteArray());
        if (!seen.contains(id) && dedup.add(id)) {
          want.add(id);
        }
      }
    }
    if (want.isEmpty()) {
      return null;
    }
    int room = config.maxIHaveLength() - state.iasked;
    Collections.shuffle(want, random);
    if (want.size() > room) {
      want = want.subList(0, room);
    }
    state.iasked += want.size();
    // Track one random id as the peer's promise; a broken promise costs a behaviour penalty.
    ByteKey promised = want.get(random.nextInt(want.size()));
    if (promises.size() < config.seenMaxEntries()) {
      promises
          .computeIfAbsent(promised, k -> new HashMap<>())
          .putIfAbsent(from, scheduler.nowMillis() + config.iwantFollowupMs());
    }
    PubsubProto.ControlIWant.Builder b = PubsubProto.ControlIWant.newBuilder();
    for (ByteKey id : want) {
      b.addMessageIDs(ByteString.copyFrom(id.toBytes()));
    }
    return b.build();
  }

  private List<PubsubProto.Message> handleIWant(PeerId from, PubsubProto.ControlMessage control) {
    if (control.getIwantCount() == 0 || score(from) < thresholds.gossip()) {
      return List.of();
    }
    List<PubsubProto.Message> out = new ArrayList<>();
    for (PubsubProto.ControlIWant iwant : control.getIwantList()) {
      for (ByteString raw : iwant.getMessageIDsList()) {
        PubsubProto.Message m =
            mcache.getForPeer(
                ByteKey.copyOf(raw.toByteArray()), from, config.gossipRetransmission());
        if (m != null) {
          out.add(m);
          stats.iwantServed++;
        }
      }
    }
    return out;
  }

  private List<PubsubProto.ControlPrune> handleGraft(
      PeerId from, PeerState state, PubsubProto.ControlMessage control) {
    List<PubsubProto.ControlPrune> prunes = new ArrayList<>();
    long now = scheduler.nowMillis();
    for (PubsubProto.ControlGraft graft : control.getGraftList()) {
      String topic = graft.getTopicID();
      Set<PeerId> m = mesh.get(topic);
      if (m == null) {
        // Not subscribed: ignore, as go does (answering would let peers make us send traffic).
        continue;
      }
      if (m.contains(from)) {
        continue;
      }
      Long until = backoff.getOrDefault(topic, Map.of()).get(from);
      if (until != null && now < until) {
        // GRAFT during backoff is a protocol violation (P7); refresh the backoff.
        score.addPenalty(from, 1);
        addBackoff(from, topic, config.pruneBackoffMs());
        prunes.add(prune(from, topic, false, config.pruneBackoffMs()));
        continue;
      }
      if (score(from) < 0) {
        addBackoff(from, topic, config.pruneBackoffMs());
        prunes.add(prune(from, topic, false, config.pruneBackoffMs()));
        continue;
      }
      if (m.size() >= config.dHi() && !state.outbound) {
        addBackoff(from, topic, config.pruneBackoffMs());
        prunes.add(prune(from, topic, true, config.pruneBackoffMs()));
        continue;
      }
      m.add(from);
      score.graft(from, topic, now);
    }
    return prunes;
  }

  private void handlePrune(PeerId from, PubsubProto.ControlMessage control) {
    for (PubsubProto.ControlPrune prune : control.getPruneList()) {
      String topic = prune.getTopicID();
      Set<PeerId> m = mesh.get(topic);
      if (m != null && m.remove(from)) {
        score.prune(from, topic);
      }
      long backoffMs =
          prune.hasBackoff()
              ? Math.min(prune.getBackoff(), 3600L) * 1000L
              : config.pruneBackoffMs();
      addBackoff(from, topic, backoffMs);
      if (prune.getPeersCount() > 0 && score(from) >= thresholds.acceptPx()) {
        int n = 0;
        for (PubsubProto.PeerInfo info : prune.getPeersList()) {
          if (n >= config.prunePeers()) {
            break;
          }
          try {
            PeerId px = PeerId.fromBytes(info.getPeerID().toByteArray());
            if (!peers.containsKey(px) && !px.equals(selfId)) {
              transport.connect(px);
              n++;
            }
          } catch (IllegalArgumentException e) {
            score.addPenalty(from, 1);
          }
        }
      }
    }
  }

  private void handleIDontWant(PeerId from, PeerState state, PubsubProto.ControlMessage control) {
    if (!PubsubProtocols.supportsIDontWant(state.protocol)) {
      return;
    }
    long expires = scheduler.nowMillis() + 3 * config.heartbeatIntervalMs();
    for (PubsubProto.ControlIDontWant dw : control.getIdontwantList()) {
      for (ByteString raw : dw.getMessageIDsList()) {
        if (state.dontSend.size() >= config.idontwantMaxPerPeer()) {
          Iterator<ByteKey> it = state.dontSend.keySet().iterator();
          it.next();
          it.remove();
        }
        state.dontSend.put(ByteKey.copyOf(raw.toByteArray()), expires);
      }
    }
  }

  // ---------------------------------------------------------------- heartbeat

  /** One heartbeat: score decay, mesh maintenance, fanout expiry, gossip emission, cache shift. */
  public void heartbeat() {
    long now = scheduler.nowMillis();
    heartbeatTicks++;
    if (now - lastScoreRefresh >= scoreDecayIntervalMs) {
      score.refresh(now);
      lastScoreRefresh = now;
    }
    applyBrokenPromises(now);
    for (PeerState ps : peers.values()) {
      ps.ihaveReceived = 0;
      ps.iasked = 0;
      Iterator<Map.Entry<ByteKey, Long>> it = ps.dontSend.entrySet().iterator();
      while (it.hasNext() && it.next().getValue() <= now) {
        it.remove();
      }
    }
    Map<PeerId, List<String>> toGraft = new HashMap<>();
    Map<PeerId, List<String>> toPrune = new HashMap<>();
    for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
      maintainMesh(e.getKey(), e.getValue(), toGraft, toPrune);
    }
    // Fanout: expire unused topics, drop peers that left, refill to D.
    Iterator<Map.Entry<String, Set<PeerId>>> fit = fanout.entrySet().iterator();
    while (fit.hasNext()) {
      Map.Entry<String, Set<PeerId>> e = fit.next();
      Long last = lastPublished.get(e.getKey());
      if (last == null || now - last > config.fanoutTtlMs()) {
        fit.remove();
        lastPublished.remove(e.getKey());
        continue;
      }
      Set<PeerId> f = e.getValue();
      Set<PeerId> subscribed = topicPeers.getOrDefault(e.getKey(), Set.of());
      f.removeIf(p -> !subscribed.contains(p) || score(p) < thresholds.publish());
      for (PeerId p :
          candidates(e.getKey(), p -> !f.contains(p) && score(p) >= thresholds.publish())) {
        if (f.size() >= config.d()) {
          break;
        }
        f.add(p);
      }
    }
    Map<PeerId, PubsubProto.ControlMessage.Builder> control = new HashMap<>();
    toGraft.forEach(
        (p, topics) -> {
          for (String t : topics) {
            control
                .computeIfAbsent(p, k -> PubsubProto.ControlMessage.newBuilder())
                .addGraft(PubsubProto.ControlGraft.newBuilder().setTopicID(t));
          }
        });
    toPrune.forEach(
        (p, topics) -> {
          for (String t : topics) {
            control
                .computeIfAbsent(p, k -> PubsubProto.ControlMessage.newBuilder())
                .addPrune(prune(p, t, true, config.pruneBackoffMs()));
          }
        });
    emitGossip(control);
    control.forEach((p, c) -> sendControl(p, c.build()));
    mcache.shift();
    seen.expire(now);
    expireBackoff(now);
  }

  private void maintainMesh(
      String topic,
      Set<PeerId> m,
      Map<PeerId, List<String>> toGraft,
      Map<PeerId, List<String>> toPrune) {
    long now = scheduler.nowMillis();
    Map<PeerId, Double> scores = new HashMap<>();
    for (PeerId p : m) {
      scores.put(p, score(p));
    }
    for (PeerId p : List.copyOf(m)) {
      if (scores.get(p) < 0) {
        m.remove(p);
        score.prune(p, topic);
        addBackoff(p, topic, config.pruneBackoffMs());
        toPrune.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
      }
    }
    if (m.size() < config.dLo()) {
      for (PeerId p :
          candidates(topic, p -> !m.contains(p) && !inBackoff(p, topic) && score(p) >= 0)) {
        if (m.size() >= config.d()) {
          break;
        }
        graftLocally(p, topic, m, toGraft, now);
      }
    }
    if (m.size() > config.dHi()) {
      List<PeerId> sorted = new ArrayList<>(m);
      Collections.shuffle(sorted, random);
      sorted.sort(Comparator.comparingDouble((PeerId p) -> score(p)).reversed());
      List<PeerId> keep = new ArrayList<>(sorted.subList(0, config.dScore()));
      List<PeerId> rest = new ArrayList<>(sorted.subList(config.dScore(), sorted.size()));
      Collections.shuffle(rest, random);
      keep.addAll(rest.subList(0, config.d() - config.dScore()));
      List<PeerId> dropped =
          new ArrayList<>(rest.subList(config.d() - config.dScore(), rest.size()));
      // Keep at least D_out outbound peers: swap dropped outbound peers for kept inbound ones.
      long outbound = keep.stream().filter(this::isOutbound).count();
      int swapAt = keep.size() - 1;
      for (PeerId out : List.copyOf(dropped)) {
        if (outbound >= config.dOut()) {
          break;
        }
        if (!isOutbound(out)) {
          continue;
        }
        while (swapAt >= config.dScore() && isOutbound(keep.get(swapAt))) {
          swapAt--;
        }
        if (swapAt < config.dScore()) {
          break;
        }
        PeerId in = keep.set(swapAt--, out);
        dropped.remove(out);
        dropped.add(in);
        outbound++;
      }
      for (PeerId p : dropped) {
        if (keep.contains(p)) {
          continue;
        }
        m.remove(p);
        score.prune(p, topic);
        addBackoff(p, topic, config.pruneBackoffMs());
        toPrune.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
      }
    }
    if (m.size() >= config.dLo()) {
      long outbound = m.stream().filter(this::isOutbound).count();
      if (outbound < config.dOut()) {
        for (PeerId p :
            candidates(
                topic,
                p -> !m.contains(p) && isOutbound(p) && !inBackoff(p, topic) && score(p) >= 0)) {
          if (outbound >= config.dOut()) {
            break;
          }
          graftLocally(p, topic, m, toGraft, now);
          outbound++;
        }
      }
    }
    if (heartbeatTicks % config.opportunisticGraftTicks() == 0 && m.size() > 1) {
      List<Double> sorted = m.stream().map(this::score).sorted().toList();
      double median = sorted.get(sorted.size() / 2);
      if (median < thresholds.opportunisticGraft()) {
        int added = 0;
        for (PeerId p :
            candidates(topic, p -> !m.contains(p) && !inBackoff(p, topic) && score(p) > median)) {
          if (added >= config.opportunisticGraftPeers()) {
            break;
          }
          graftLocally(p, topic, m, toGraft, now);
          added++;
        }
      }
    }
  }

  private void graftLocally(
      PeerId p, String topic, Set<PeerId> m, Map<PeerId, List<String>> toGraft, long now) {
    m.add(p);
    score.graft(p, topic, now);
    toGraft.computeIfAbsent(p, k -> new ArrayList<>()).add(topic);
  }

  private void emitGossip(Map<PeerId, PubsubProto.ControlMessage.Builder> control) {
    Set<String> topics = new LinkedHashSet<>(mesh.keySet());
    topics.addAll(fanout.keySet());
    for (String topic : topics) {
      List<ByteKey> ids = mcache.gossipIds(topic);
      if (ids.isEmpty()) {
        continue;
      }
      Set<PeerId> exclude = new HashSet<>(mesh.getOrDefault(topic, Set.of()));
      exclude.addAll(fanout.getOrDefault(topic, Set.of()));
      List<PeerId> candidates =
          candidates(topic, p -> !exclude.contains(p) && score(p) >= thresholds.gossip());
      int target = Math.max(config.dLazy(), (int) (config.gossipFactor() * candidates.size()));
      if (ids.size() > config.maxIHaveLength()) {
        Collections.shuffle(ids, random);
        ids = ids.subList(0, config.maxIHaveLength());
      }
      PubsubProto.ControlIHave.Builder ihave =
          PubsubProto.ControlIHave.newBuilder().setTopicID(topic);
      for (ByteKey id : ids) {
        ihave.addMessageIDs(ByteString.copyFrom(id.toBytes()));
      }
      PubsubProto.ControlIHave built = ihave.build();
      for (PeerId p : candidates.subList(0, Math.min(target, candidates.size()))) {
        control.computeIfAbsent(p, k -> PubsubProto.ControlMessage.newBuilder()).addIhave(built);
      }
    }
  }

  private void applyBrokenPromises(long now) {
    Iterator<Map.Entry<ByteKey, Map<PeerId, Long>>> it = promises.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<ByteKey, Map<PeerId, Long>> e = it.next();
      Iterator<Map.Entry<PeerId, Long>> pit = e.getValue().entrySet().iterator();
      while (pit.hasNext()) {
        Map.Entry<PeerId, Long> pe = pit.next();
        if (pe.getValue() <= now) {
          score.addPenalty(pe.getKey(), 1);
          LOG.debug("pubsub peer {} broke an IWANT promise", pe.getKey());
          pit.remove();
        }
      }
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private List<PeerId> candidates(String topic, java.util.function.Predicate<PeerId> filter) {
    List<PeerId> out = new ArrayList<>();
    for (PeerId p : topicPeers.getOrDefault(topic, Set.of())) {
      if (filter.test(p)) {
        out.add(p);
      }
    }
    Collections.shuffle(out, random);
    return out;
  }

  private boolean isOutbound(PeerId p) {
    PeerState ps = peers.get(p);
    return ps != null && ps.outbound;
  }

  private boolean inBackoff(PeerId p, String topic) {
    Long until = backoff.getOrDefault(topic, Map.of()).get(p);
    return until != null && scheduler.nowMillis() < until;
  }

  private void addBackoff(PeerId p, String topic, long ms) {
    Map<PeerId, Long> m = backoff.computeIfAbsent(topic, t -> new HashMap<>());
    if (m.size() >= config.maxPeers() * 4 && !m.containsKey(p)) {
      return;
    }
    m.merge(p, scheduler.nowMillis() + ms, Math::max);
  }

  private void expireBackoff(long now) {
    Iterator<Map<PeerId, Long>> it = backoff.values().iterator();
    while (it.hasNext()) {
      Map<PeerId, Long> m = it.next();
      m.values().removeIf(until -> until <= now);
      if (m.isEmpty()) {
        it.remove();
      }
    }
  }

  private PubsubProto.ControlPrune prune(PeerId to, String topic, boolean px, long backoffMs) {
    PubsubProto.ControlPrune.Builder b =
        PubsubProto.ControlPrune.newBuilder().setTopicID(topic).setBackoff(backoffMs / 1000);
    if (px && score(to) >= 0) {
      int n = 0;
      for (PeerId p : candidates(topic, p -> !p.equals(to) && score(p) >= 0)) {
        if (n++ >= config.prunePeers()) {
          break;
        }
        b.addPeers(PubsubProto.PeerInfo.newBuilder().setPeerID(ByteString.copyFrom(p.toBytes())));
      }
    }
    return b.build();
  }

  private void sendControl(PeerId p, PubsubProto.ControlMessage control) {
    transport.send(p, PubsubProto.RPC.newBuilder().setControl(control).build());
  }

  private static PubsubProto.RPC.SubOpts subOpts(String topic, boolean subscribe) {
    return PubsubProto.RPC.SubOpts.newBuilder().setSubscribe(subscribe).setTopicid(topic).build();
  }

  private static void removeFrom(Map<String, Set<PeerId>> map, String topic, PeerId peer) {
    Set<PeerId> s = map.get(topic);
    if (s != null) {
      s.remove(peer);
      if (s.isEmpty()) {
        map.remove(topic);
      }
    }
  }

  private static PubsubMessage toPubsubMessage(PubsubProto.Message msg, ByteKey id) {
    long seq = 0;
    for (byte b : msg.getSeqno().toByteArray()) {
      seq = (seq << 8) | (b & 0xff);
    }
    return new PubsubMessage(
        msg.getTopic(),
        PeerId.fromBytes(msg.getFrom().toByteArray()),
        seq,
        msg.getData().toByteArray(),
        id);
  }
}
