package io.hyphae.protocol.p2p.identify;

import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import java.util.List;
import java.util.Optional;

/**
 * What a peer said about itself. Listen addresses we cannot parse (other transports) are left out;
 * their count is in {@code skippedAddresses}.
 */
public record IdentifyInfo(
    PeerId peerId,
    PubKey publicKey,
    String protocolVersion,
    String agentVersion,
    List<Multiaddr> listenAddresses,
    int skippedAddresses,
    Optional<Multiaddr> observedAddress,
    List<String> protocols) {

  public IdentifyInfo {
    listenAddresses = List.copyOf(listenAddresses);
    protocols = List.copyOf(protocols);
  }
}
