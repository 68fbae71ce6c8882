/**
 * The node's chain adapter: {@link io.hyphae.node.chain.ChainAccess} connects (and reconnects) to
 * the market, and {@link io.hyphae.node.chain.ChainWatcher} follows the market's events by log
 * polling with a persistent cursor and hands them to idempotent handlers.
 */
package io.hyphae.node.chain;
