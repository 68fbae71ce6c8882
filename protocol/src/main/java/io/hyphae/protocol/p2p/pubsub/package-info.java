/**
 * gossipsub v1.1/v1.2 ({@code /meshsub/1.1.0}, {@code /meshsub/1.2.0}): the RPC codec with explicit
 * limits, StrictSign signing, the router state machine (mesh, fanout, IHAVE/IWANT gossip,
 * GRAFT/PRUNE with peer exchange and backoff, IDONTWANT, flood publishing), the validation hook and
 * peer scoring with gossip, publish and graylist thresholds. The router is transport-neutral: it
 * sends RPCs through {@link io.hyphae.protocol.p2p.pubsub.PubsubTransport} and is told of peers and
 * received RPCs by the host adapter or by {@link
 * io.hyphae.protocol.p2p.pubsub.InMemoryPubsubNetwork}. All router calls run on its scheduler's
 * thread.
 */
package io.hyphae.protocol.p2p.pubsub;
