/**
 * Configuration files shared by the applications: {@link io.hyphae.contracts.config.DevnetInfo},
 * the description a running devnet leaves in {@code .devnet/devnet.json} so that the wallet and
 * nodes find its chain and contracts without flags.
 */
package io.hyphae.contracts.config;
