/**
 * Commitments to inference work: keccak256, the canonical versioned byte encodings of shard inputs
 * and outputs, the input and result leaves, and Merkle trees whose proofs OpenZeppelin's {@code
 * MerkleProof.verify} accepts. Node, wallet and contracts must agree on every byte here; the
 * formats are specified in docs/inference.md and pinned by golden tests.
 */
package io.hyphae.protocol.commitment;
