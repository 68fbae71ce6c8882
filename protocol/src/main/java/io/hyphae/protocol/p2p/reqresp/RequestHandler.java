package io.hyphae.protocol.p2p.reqresp;

import io.hyphae.protocol.peer.PeerId;
import java.util.concurrent.CompletableFuture;

/**
 * Answers one request. Runs on the connection's event loop: hand slow work to an executor and
 * return its future. A failed future resets the stream (the requester sees a closed stream).
 */
@FunctionalInterface
public interface RequestHandler<Q, R> {
  CompletableFuture<R> handle(PeerId from, Q request);
}
