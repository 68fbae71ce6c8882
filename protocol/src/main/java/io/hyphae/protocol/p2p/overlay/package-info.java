/**
 * Transport-neutral pieces shared by the overlay protocols (gossipsub, Kademlia) and the market
 * view: an interim peer id and signing key (to be replaced by the host branch's {@code PeerId} and
 * keys at merge), an injected scheduler and clock, varint-length-prefixed frames with explicit
 * limits, and a simulated clock that drives in-memory networks in tests and benchmarks without
 * sleeping.
 */
package io.hyphae.protocol.p2p.overlay;
