/**
 * Transport-neutral pieces shared by the overlay protocols (gossipsub, Kademlia) and the market
 * view: an injected scheduler and clock, varint-length-prefixed frames with explicit limits, and a
 * simulated clock that drives in-memory networks in tests and benchmarks without sleeping. Peer ids
 * and keys are the host's ({@code io.hyphae.protocol.peer}, {@code io.hyphae.protocol.crypto}).
 */
package io.hyphae.protocol.p2p.overlay;
