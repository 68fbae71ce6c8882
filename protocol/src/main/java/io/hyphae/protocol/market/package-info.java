/**
 * Market discovery: providers publish signed {@link io.hyphae.protocol.market.CapacityAd}s on the
 * gossip topic {@code hyphae/capacity/1}; {@link io.hyphae.protocol.market.CapacityAdValidator}
 * checks each ad (advertiser's signature, expiry, sizes, rate per advertiser) in the gossipsub
 * validation hook before it is forwarded, and {@link io.hyphae.protocol.market.MarketView} keeps
 * the latest unexpired ad per provider and answers "who serves model M at or below price P".
 */
package io.hyphae.protocol.market;
