/**
 * The chain client the node, the wallet CLI and the devnet share: connections tuned for a local
 * node (TCP_NODELAY, fast receipt polling), one transaction sender per account, contract errors
 * decoded into readable messages, EIP-712 bids and receipts byte for byte as the market hashes
 * them, the market's hashing formats, a typed market client over the generated web3j wrappers, the
 * deployer and its deployment file, and a local anvil chain for tests and the devnet.
 */
package io.hyphae.contracts.chain;
