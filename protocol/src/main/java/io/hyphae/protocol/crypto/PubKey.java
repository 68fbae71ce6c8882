package io.hyphae.protocol.crypto;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.proto.KeysProto;

/** A libp2p public identity key. */
public sealed interface PubKey permits Secp256k1PubKey, Ed25519PubKey {

  KeyType type();

  /** The key's own bytes (33-byte compressed point, or 32-byte Ed25519 key). */
  byte[] raw();

  /** True when {@code signature} is this key's signature of {@code data}; false on any defect. */
  boolean verify(byte[] data, byte[] signature);

  /** The libp2p protobuf encoding, the bytes peer ids hash. */
  default byte[] marshal() {
    return KeysProto.PublicKey.newBuilder()
        .setType(type().proto())
        .setData(ByteString.copyFrom(raw()))
        .build()
        .toByteArray();
  }

  /** Largest encoded public key we decode (a compressed secp256k1 key takes 37 bytes). */
  int MAX_ENCODED = 256;

  static PubKey unmarshal(byte[] encoded) {
    if (encoded.length > MAX_ENCODED) {
      throw new KeyFormatException("public key encoding longer than " + MAX_ENCODED + " bytes");
    }
    KeysProto.PublicKey proto;
    try {
      proto = KeysProto.PublicKey.parseFrom(encoded);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new KeyFormatException("malformed public key protobuf", e);
    }
    byte[] data = proto.getData().toByteArray();
    return switch (KeyType.of(proto.getType())) {
      case SECP256K1 -> Secp256k1PubKey.fromBytes(data);
      case ED25519 -> Ed25519PubKey.fromBytes(data);
    };
  }
}
