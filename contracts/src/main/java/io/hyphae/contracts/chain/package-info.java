/**
 * Chain access through web3j: connections tuned for a local node (TCP_NODELAY, fast receipt
 * polling), one transaction sender per account, and contract deployment. Only this package imports
 * web3j's transport classes.
 */
package io.hyphae.contracts.chain;
