/**
 * Kademlia DHT ({@code /ipfs/kad/1.0.0}): the message codec with explicit limits, a k-bucket
 * routing table over the XOR distance of sha2-256 of keys, iterative lookups with {@code alpha}
 * parallel requests, FIND_NODE, PUT/GET_VALUE with namespaced record validators, ADD/GET_PROVIDERS
 * (providers announce the multihash of the content they serve, such as a model), bootstrap and
 * periodic random walks. Transport-neutral through {@link io.hyphae.protocol.p2p.kad.KadTransport};
 * every {@link io.hyphae.protocol.p2p.kad.KadNode} method runs on its scheduler's thread.
 */
package io.hyphae.protocol.p2p.kad;
