/**
 * libp2p identity keys on Bouncy Castle: secp256k1 (the default; the same key is the node's
 * Ethereum account) and Ed25519, their protobuf encodings ({@code keys.proto}) and signatures.
 * secp256k1 signs the SHA-256 of the message with deterministic (RFC 6979), low-S, DER-encoded
 * ECDSA, as js-libp2p and go-libp2p expect.
 */
package io.hyphae.protocol.crypto;
