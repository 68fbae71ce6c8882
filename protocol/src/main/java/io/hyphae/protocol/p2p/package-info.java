/**
 * The host API, shaped like libp2p's and neutral about transports: a {@link
 * io.hyphae.protocol.p2p.Host} listens, dials and keeps {@link io.hyphae.protocol.p2p.Connection}s
 * to peers; each connection carries many {@link io.hyphae.protocol.p2p.Stream}s, each negotiated to
 * one protocol id and handed to the {@link io.hyphae.protocol.p2p.StreamHandler} registered for it.
 * {@code transport.Libp2pHost} implements it on Netty TCP with multistream-select, Noise and yamux.
 *
 * <p>Threading: stream and connection callbacks run on the connection's event loop and must not
 * block; methods may be called from any thread and return {@link
 * java.util.concurrent.CompletableFuture}s that complete or fail within the configured timeouts.
 */
package io.hyphae.protocol.p2p;
