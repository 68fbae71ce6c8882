package io.hyphae.devnet.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** TCP ports on 127.0.0.1: which are free now, and distinct free ones for the devnet's nodes. */
public final class LoopbackPorts {

  private final Set<Integer> handedOut = new HashSet<>();

  /** Whether {@code port} can be bound on 127.0.0.1 right now. */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A port the OS calls free, distinct from every port this instance handed out before. Another
   * program could still take it before the node binds it; the node then fails to start and {@code
   * up} says so and stops everything.
   */
  public int next() throws IOException {
    for (int attempt = 0; attempt < 64; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = socket.getLocalPort();
      }
      if (handedOut.add(port)) {
        return port;
      }
    }
    throw new IOException("no free TCP port on 127.0.0.1");
  }
}
