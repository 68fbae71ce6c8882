/**
 * The local devnet as detached processes: an anvil chain (with the devnet's market rules) and
 * provider nodes started by {@code devnet up}, described in {@code devnet.json}, inspected by
 * {@code status} and {@code logs}, single nodes stopped and started again by {@code provider
 * stop|start}, and everything stopped by {@code down} — a pid is signalled only while it still
 * belongs to the process the devnet started.
 */
package io.hyphae.devnet.local;
