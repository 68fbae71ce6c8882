/**
 * Bidding: {@link io.hyphae.node.bid.Bidder} answers a requester's request for quote with a signed
 * bid or a refusal that says why.
 */
package io.hyphae.node.bid;
