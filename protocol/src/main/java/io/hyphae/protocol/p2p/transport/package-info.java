/**
 * The Netty implementation of the host: {@link io.hyphae.protocol.p2p.transport.Libp2pHost} listens
 * and dials TCP (epoll where available, NIO otherwise), {@link
 * io.hyphae.protocol.p2p.transport.ConnectionUpgrader} upgrades each connection (multistream-select
 * → Noise XX → multistream-select → stream muxer), and each muxed stream is negotiated to a
 * protocol by {@link io.hyphae.protocol.p2p.transport.StreamNegotiator} before its handler sees it.
 */
package io.hyphae.protocol.p2p.transport;
