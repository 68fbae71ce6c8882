/**
 * {@code hyphae-devnet}: brings a whole market up on one machine (an anvil chain from the pinned
 * npm package, the contracts, provider nodes) and holds the acceptance-test harness.
 */
package io.hyphae.devnet;
