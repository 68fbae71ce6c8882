/**
 * Keys and keystores shared by the node and the wallet: Web3 Secret Storage (V3) files written
 * atomically with owner-only permissions, a keystore directory, and the password sources (prompt,
 * file, environment variable; never a command-line value, never logged).
 */
package io.hyphae.contracts.keys;
