package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;

/**
 * What the router needs from the network: send an RPC to a connected peer and try to connect to a
 * peer learnt through peer exchange. The host adapter writes each RPC as one length-prefixed frame
 * on the peer's outbound pubsub stream; a full outbound queue drops the RPC (gossip tolerates
 * loss).
 */
public interface PubsubTransport {
  /** Queues {@code rpc} to {@code peer}; false when it was dropped (queue full, peer gone). */
  boolean send(PeerId peer, PubsubProto.RPC rpc);

  /** Best-effort dial of a PX candidate; the router hears of success through attachPeer. */
  void connect(PeerId peer);
}
