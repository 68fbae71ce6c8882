package io.hyphae.wallet.job;

import io.hyphae.protocol.crypto.Secp256k1PubKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A provider the requester talks to: its libp2p address and the Ethereum account its peer id names
 * (one secp256k1 key is both).
 */
public record ProviderRef(String name, Multiaddr address, PeerId peerId, String account) {

  /** A provider from a multiaddr ending in {@code /p2p/<secp256k1 peer id>}. */
  public static ProviderRef of(String name, Multiaddr address) {
    PeerId id =
        address
            .peerId()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "provider address " + address + " does not end in /p2p/<peer id>"));
    String account =
        accountOf(id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "provider " + address + " has no secp256k1 peer id (no Ethereum account)"));
    return new ProviderRef(name, address, id, account);
  }

  /** The Ethereum account (lower-case hex) of a secp256k1 peer id. */
  public static Optional<String> accountOf(PeerId id) {
    return id.publicKey()
        .filter(k -> k instanceof Secp256k1PubKey)
        .map(k -> "0x" + HexFormat.of().formatHex(((Secp256k1PubKey) k).ethereumAddress()));
  }

  @Override
  public String toString() {
    return name + " (" + account + ")";
  }
}
