package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.peer.PeerId;

/**
 * The validation hook of a topic, run on the router thread before a message is delivered or
 * forwarded. Must be quick and must not block; exceptions count as REJECT.
 */
@FunctionalInterface
public interface MessageValidator {
  ValidationResult validate(PeerId receivedFrom, PubsubMessage message);
}
