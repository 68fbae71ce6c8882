package io.hyphae.protocol.p2p;

/** Told when connections open and close, on the connection's event loop. */
public interface ConnectionListener {
  default void onConnected(Connection connection) {}

  default void onDisconnected(Connection connection) {}
}
