/**
 * Running the node: {@link io.hyphae.node.run.NodeRunner} starts the node's parts in order
 * (keystore, journal, admin HTTP) and {@link io.hyphae.node.run.ShutdownSequence} stops them in
 * reverse order on SIGINT or SIGTERM.
 */
package io.hyphae.node.run;
