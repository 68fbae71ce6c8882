/**
 * The local devnet as detached processes: an anvil chain and provider nodes started by {@code
 * devnet up}, described in {@code devnet.json}, inspected by {@code status} and {@code logs}, and
 * stopped by {@code down} only when a pid still belongs to the process the devnet started.
 */
package io.hyphae.devnet.local;
