/**
 * identify ({@code /ipfs/id/1.0.0}) and identify push ({@code /ipfs/id/push/1.0.0}): a peer tells
 * another its key, listen addresses, protocols and the address it sees the other at, in one
 * length-prefixed protobuf message followed by a half-close.
 */
package io.hyphae.protocol.p2p.identify;
