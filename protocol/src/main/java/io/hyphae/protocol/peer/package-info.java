/**
 * Peer ids: the multihash of a peer's encoded public key (identity multihash for keys of at most 42
 * bytes, sha2-256 otherwise), printed as base58btc ({@code 12D3KooW...}, {@code 16Uiu2HA...}) or as
 * a CIDv1 with the libp2p-key codec in base32.
 */
package io.hyphae.protocol.peer;
