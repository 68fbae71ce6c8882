package io.hyphae.protocol.p2p.pubsub;

/**
 * A validator's verdict: ACCEPT forwards and delivers; REJECT drops and penalises the sender (P4);
 * IGNORE drops without penalty (for example stale or rate-limited but well-formed messages).
 */
public enum ValidationResult {
  ACCEPT,
  REJECT,
  IGNORE
}
