/**
 * The node's configuration: one immutable, validated {@link io.hyphae.node.config.NodeConfig} built
 * from flags, {@code HYPHAE_…} environment variables and a {@code key = value} file, in that order
 * of precedence. {@link io.hyphae.node.config.NodeOption} is the one table of options.
 */
package io.hyphae.node.config;
