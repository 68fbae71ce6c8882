package io.hyphae.protocol.p2p;

import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A libp2p host: one identity, listening and dialing, protocol handlers, connections. */
public interface Host {

  PeerId peerId();

  /** Binds the listen addresses. */
  CompletableFuture<Void> start();

  /** Closes every connection and listener and releases the threads. */
  CompletableFuture<Void> stop();

  /** The bound addresses (with real ports), without the {@code /p2p} part. */
  List<Multiaddr> listenAddresses();

  /**
   * Connects (or reuses a connection) to the address; when it ends in {@code /p2p/<id>} the remote
   * must prove that id.
   */
  CompletableFuture<Connection> dial(Multiaddr address);

  /**
   * An open connection to {@code peer}: an existing one, else a dial of the addresses the {@link
   * #peerStore()} knows for it (in turn, until one works); fails with BAD_ADDRESS when none is
   * known, else with the last dial's failure.
   */
  CompletableFuture<Connection> connect(PeerId peer);

  /** The addresses this host knows for other peers (identify, connections, the DHT). */
  PeerStore peerStore();

  /** Opens a stream on an existing connection to {@code peer}, or fails with CLOSED. */
  CompletableFuture<Stream> newStream(PeerId peer, List<String> protocols);

  /** Dials if needed, then opens a stream. */
  default CompletableFuture<Stream> newStream(Multiaddr address, List<String> protocols) {
    return dial(address).thenCompose(c -> c.newStream(protocols));
  }

  /** Serves {@code protocol} with {@code handler}, replacing an earlier one. */
  void setStreamHandler(String protocol, StreamHandler handler);

  void removeStreamHandler(String protocol);

  /** The protocol ids with handlers. */
  Set<String> protocols();

  List<Connection> connections();

  List<Connection> connections(PeerId peer);

  void addConnectionListener(ConnectionListener listener);

  void removeConnectionListener(ConnectionListener listener);
}
