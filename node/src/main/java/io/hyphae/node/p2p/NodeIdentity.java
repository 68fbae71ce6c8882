package io.hyphae.node.p2p;

import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.crypto.Secp256k1PubKey;
import io.hyphae.protocol.peer.PeerId;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The node's one key seen three ways: its Ethereum account (credentials, address), its libp2p
 * identity key and its peer id.
 *
 * @param address the account, lower-case hex
 */
public record NodeIdentity(
    Credentials credentials, Secp256k1PrivKey p2pKey, PeerId peerId, String address) {

  public static NodeIdentity of(Credentials credentials) {
    Secp256k1PrivKey key =
        Secp256k1PrivKey.fromBytes(
            Numeric.toBytesPadded(credentials.getEcKeyPair().getPrivateKey(), 32));
    return new NodeIdentity(
        credentials,
        key,
        PeerId.fromPublicKey(key.publicKey()),
        credentials.getAddress().toLowerCase(Locale.ROOT));
  }

  /**
   * The Ethereum account behind a remote identity key (lower-case hex), or empty when the key is
   * not secp256k1 (such a peer has no account).
   */
  public static Optional<String> accountOf(PubKey key) {
    if (key instanceof Secp256k1PubKey k) {
      return Optional.of("0x" + HexFormat.of().formatHex(k.ethereumAddress()));
    }
    return Optional.empty();
  }

  /** The account of a peer id that inlines a secp256k1 key. */
  public static Optional<String> accountOf(PeerId peer) {
    return peer.publicKey().flatMap(NodeIdentity::accountOf);
  }
}
