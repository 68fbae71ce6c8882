/**
 * {@code hyphae p2p}: diagnostic commands for the libp2p layer — a key's peer id, a listener that
 * answers ping and identify, and ping and identify against any libp2p peer. See docs/p2p.md.
 */
package io.hyphae.wallet.p2p;
