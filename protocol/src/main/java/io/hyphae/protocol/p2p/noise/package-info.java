/**
 * Noise XX ({@code Noise_XX_25519_ChaChaPoly_SHA256}) as libp2p uses it: {@link
 * io.hyphae.protocol.p2p.noise.NoiseXxHandshake} is the pure handshake state machine, {@link
 * io.hyphae.protocol.p2p.noise.NoisePayloads} signs and verifies the libp2p handshake payload (the
 * identity key signs {@code "noise-libp2p-static-key:"} + the static X25519 key), and the Netty
 * handlers frame messages with a 2-byte length and encrypt the transport.
 */
package io.hyphae.protocol.p2p.noise;
