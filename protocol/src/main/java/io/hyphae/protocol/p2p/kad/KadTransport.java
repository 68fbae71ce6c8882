package io.hyphae.protocol.p2p.kad;

import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.KadProto;
import java.util.concurrent.CompletableFuture;

/**
 * What the DHT needs from the network. The host adapter opens a {@code /ipfs/kad/1.0.0} stream,
 * writes one length-prefixed message and reads one reply (none for ADD_PROVIDER). Futures may
 * complete on any thread; the node hops back onto its own.
 */
public interface KadTransport {
  CompletableFuture<KadProto.Message> request(PeerId peer, KadProto.Message request);

  /** Sends a message that has no reply (ADD_PROVIDER). */
  void send(PeerId peer, KadProto.Message message);

  /**
   * False when {@code peer} is known not to serve the DHT (a client-mode peer): it may ask us, but
   * it must not enter the routing table, or we would send others to a peer that cannot answer.
   */
  default boolean servesDht(PeerId peer) {
    return true;
  }
}
