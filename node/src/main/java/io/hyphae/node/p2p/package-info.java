/**
 * The node on the libp2p network: {@link io.hyphae.node.p2p.NodeIdentity} derives the peer id and
 * account from the keystore key, {@link io.hyphae.node.p2p.P2pService} runs the host (identify,
 * ping, bootstrap dialing, redialing known peers).
 */
package io.hyphae.node.p2p;
