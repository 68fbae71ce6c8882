/**
 * The market as nodes and the wallet see it: {@link io.hyphae.contracts.market.Market} with its own
 * records (specs, bids, assignments, events), implemented on chain by {@link
 * io.hyphae.contracts.market.Web3jMarket}; the generated web3j structs stay behind it.
 */
package io.hyphae.contracts.market;
