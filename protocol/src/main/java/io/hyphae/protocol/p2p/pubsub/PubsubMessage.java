package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.peer.PeerId;

/** A verified pubsub message as validators and subscribers see it. */
public record PubsubMessage(
    String topic, PeerId from, long seqno, byte[] data, ByteKey messageId) {}
