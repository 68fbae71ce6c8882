package io.hyphae.protocol.p2p.overlay;

/** A peer's private key as the overlay protocols use it: its peer id, public key and signatures. */
public interface PeerSigner {
  PeerId peerId();

  /** The libp2p {@code PublicKey} protobuf encoding of the public key. */
  byte[] publicKeyProto();

  /** Signs {@code data} with the libp2p signature scheme of the key type. */
  byte[] sign(byte[] data);
}
