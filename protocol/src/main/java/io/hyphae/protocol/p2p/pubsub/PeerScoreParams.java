package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.peer.PeerId;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Peer-level score parameters: topics (P1-P4), application score P5, IP colocation P6, behaviour
 * penalty P7, decay and retention. Durations in milliseconds.
 */
public record PeerScoreParams(
    Map<String, TopicScoreParams> topics,
    double topicScoreCap,
    ToDoubleFunction<PeerId> appSpecificScore,
    double appSpecificWeight,
    double ipColocationFactorWeight,
    int ipColocationFactorThreshold,
    Set<String> ipColocationWhitelist,
    double behaviourPenaltyWeight,
    double behaviourPenaltyThreshold,
    double behaviourPenaltyDecay,
    long decayIntervalMs,
    double decayToZero,
    long retainScoreMs,
    int maxRetainedScores) {

  public PeerScoreParams {
    topics = Map.copyOf(topics);
    ipColocationWhitelist = Set.copyOf(ipColocationWhitelist);
    if (ipColocationFactorWeight > 0 || behaviourPenaltyWeight > 0) {
      throw new IllegalArgumentException("P6 and P7 weights must be <= 0");
    }
    if (ipColocationFactorThreshold < 1 || decayIntervalMs <= 0 || maxRetainedScores < 0) {
      throw new IllegalArgumentException("bad colocation threshold, decay interval or bound");
    }
    if (behaviourPenaltyDecay <= 0 || behaviourPenaltyDecay >= 1) {
      throw new IllegalArgumentException("behaviour penalty decay must be in (0, 1)");
    }
  }

  /** Defaults for the market network with the given per-topic parameters. */
  public static PeerScoreParams defaults(Map<String, TopicScoreParams> topics) {
    return new PeerScoreParams(
        topics, 100, p -> 0, 1, -10, 8, Set.of(), -10, 6, 0.99, 1_000, 0.01, 3_600_000, 10_000);
  }
}
