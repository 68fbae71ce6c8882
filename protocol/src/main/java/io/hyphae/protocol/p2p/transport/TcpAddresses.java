package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiaddr.Protocol;
import io.hyphae.protocol.p2p.P2pException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/** Between multiaddrs and socket addresses for TCP. */
final class TcpAddresses {
  private TcpAddresses() {}

  static Multiaddr toMultiaddr(SocketAddress address) {
    if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      throw new P2pException(P2pException.Reason.BAD_ADDRESS, "not an IP address: " + address);
    }
    return Multiaddr.tcp(inet.getAddress(), inet.getPort());
  }

  /**
   * The socket address of {@code /ip4|ip6|dns4|dns6/.../tcp/<port>[/p2p/...]}; DNS names are
   * resolved here, so call it off the event loop.
   */
  static InetSocketAddress toSocketAddress(Multiaddr address) {
    var parts = address.components();
    if (parts.size() < 2 || parts.get(1).protocol() != Protocol.TCP) {
      throw new P2pException(
          P2pException.Reason.BAD_ADDRESS,
          "not a TCP address (want /ip4|ip6|dns4|dns6/../tcp/..): " + address);
    }
    int port = Integer.parseInt(address.valueText(Protocol.TCP).orElseThrow());
    var first = parts.get(0);
    try {
      return switch (first.protocol()) {
        case IP4, IP6 -> new InetSocketAddress(InetAddress.getByAddress(first.value()), port);
        case DNS4, DNS6 -> {
          String host = address.valueText(first.protocol()).orElseThrow();
          for (InetAddress a : InetAddress.getAllByName(host)) {
            boolean v4 = a.getAddress().length == 4;
            if (v4 == (first.protocol() == Protocol.DNS4)) {
              yield new InetSocketAddress(a, port);
            }
          }
          throw new P2pException(
              P2pException.Reason.BAD_ADDRESS,
              "no " + first.protocol().text() + " record for " + host);
        }
        default ->
            throw new P2pException(
                P2pException.Reason.BAD_ADDRESS, "cannot dial " + address + " over TCP");
      };
    } catch (UnknownHostException e) {
      throw new P2pException(P2pException.Reason.BAD_ADDRESS, "cannot resolve " + address, e);
    }
  }
}
