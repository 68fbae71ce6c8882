package io.hyphae.protocol.p2p.pubsub;

/**
 * Per-topic score parameters P1-P4 (gossipsub v1.1 spec, "Topic Parameter Calculation"). Weights of
 * penalties (P3, P3b, P4) are negative; durations are milliseconds; decays are per decay interval.
 */
public record TopicScoreParams(
    double topicWeight,
    double timeInMeshWeight,
    long timeInMeshQuantumMs,
    double timeInMeshCap,
    double firstMessageDeliveriesWeight,
    double firstMessageDeliveriesDecay,
    double firstMessageDeliveriesCap,
    double meshMessageDeliveriesWeight,
    double meshMessageDeliveriesDecay,
    double meshMessageDeliveriesCap,
    double meshMessageDeliveriesThreshold,
    long meshMessageDeliveriesWindowMs,
    long meshMessageDeliveriesActivationMs,
    double meshFailurePenaltyWeight,
    double meshFailurePenaltyDecay,
    double invalidMessageDeliveriesWeight,
    double invalidMessageDeliveriesDecay) {

  public TopicScoreParams {
    if (topicWeight < 0
        || timeInMeshWeight < 0
        || firstMessageDeliveriesWeight < 0
        || meshMessageDeliveriesWeight > 0
        || meshFailurePenaltyWeight > 0
        || invalidMessageDeliveriesWeight > 0) {
      throw new IllegalArgumentException("score weights have the wrong sign");
    }
    if (timeInMeshQuantumMs <= 0) {
      throw new IllegalArgumentException("time in mesh quantum must be positive");
    }
    for (double decay :
        new double[] {
          firstMessageDeliveriesDecay,
          meshMessageDeliveriesDecay,
          meshFailurePenaltyDecay,
          invalidMessageDeliveriesDecay
        }) {
      if (decay <= 0 || decay >= 1) {
        throw new IllegalArgumentException("decays must be in (0, 1)");
      }
    }
  }

  /**
   * Parameters for a low-rate topic such as capacity ads: time in mesh and first deliveries earn a
   * little, mesh delivery deficits are not penalised (ads are rare, so P3 would punish honest
   * peers), invalid messages weigh heavily.
   */
  public static TopicScoreParams lowRateTopic() {
    return new TopicScoreParams(
        1.0, 0.01, 1_000, 3600, 1.0, 0.9, 100, 0, 0.5, 10, 0, 10, 30_000, 0, 0.5, -10, 0.99);
  }
}
