/**
 * ping ({@code /ipfs/ping/1.0.0}): the dialer sends 32 random bytes, the listener echoes them; the
 * round trip is the answer. We open a new stream per ping, as js-libp2p does, and serve any number
 * of pings per stream.
 */
package io.hyphae.protocol.p2p.ping;
