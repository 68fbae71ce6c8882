/**
 * The settlement layer as Java sees it: the compiled contracts ({@link
 * io.hyphae.contracts.ContractArtifact}) and, in {@code chain}, the client the node and the wallet
 * share to talk to an Ethereum JSON-RPC endpoint.
 */
package io.hyphae.contracts;
