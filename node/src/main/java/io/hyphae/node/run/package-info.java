/**
 * Running the node: {@link io.hyphae.node.run.NodeRunner} starts the node's parts in order
 * (keystore, journal, inference, libp2p, and with the market configured the job engine, bidder and
 * chain watcher, then admin HTTP) and {@link io.hyphae.node.run.ShutdownSequence} stops them in
 * reverse order on SIGINT or SIGTERM.
 */
package io.hyphae.node.run;
