/**
 * Hyphae's libp2p implementation on Netty and Bouncy Castle, the market's wire messages and the
 * commitments (Merkle trees, canonical encodings, EIP-712 typed data).
 */
package io.hyphae.protocol;
