/**
 * Support for the devnet's tests: the shared acceptance devnet, the wallet as a child process,
 * reads of the chain, the devnet command line in-process, and a local inference check.
 */
package io.hyphae.devnet.testing;
