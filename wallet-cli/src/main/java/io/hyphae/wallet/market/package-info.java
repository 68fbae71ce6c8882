/**
 * {@code hyphae market}: a short-lived libp2p peer that joins the network through bootstrap peers,
 * collects the providers' signed capacity ads ({@link io.hyphae.protocol.market.DiscoveryNode}) and
 * prints the offers as a table or as JSON.
 */
package io.hyphae.wallet.market;
