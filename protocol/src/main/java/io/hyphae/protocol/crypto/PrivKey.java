package io.hyphae.protocol.crypto;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.proto.KeysProto;
import java.security.SecureRandom;

/** A libp2p private identity key. */
public sealed interface PrivKey permits Secp256k1PrivKey, Ed25519PrivKey {

  KeyType type();

  PubKey publicKey();

  byte[] sign(byte[] data);

  /** The bytes in the protobuf {@code Data} field (32-byte scalar, or Ed25519 seed + key). */
  byte[] raw();

  default byte[] marshal() {
    return KeysProto.PrivateKey.newBuilder()
        .setType(type().proto())
        .setData(ByteString.copyFrom(raw()))
        .build()
        .toByteArray();
  }

  static PrivKey unmarshal(byte[] encoded) {
    if (encoded.length > 256) {
      throw new KeyFormatException("private key encoding longer than 256 bytes");
    }
    KeysProto.PrivateKey proto;
    try {
      proto = KeysProto.PrivateKey.parseFrom(encoded);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new KeyFormatException("malformed private key protobuf", e);
    }
    byte[] data = proto.getData().toByteArray();
    return switch (KeyType.of(proto.getType())) {
      case SECP256K1 -> Secp256k1PrivKey.fromBytes(data);
      case ED25519 -> Ed25519PrivKey.fromBytes(data);
    };
  }

  static PrivKey generate(KeyType type, SecureRandom random) {
    return switch (type) {
      case SECP256K1 -> Secp256k1PrivKey.generate(random);
      case ED25519 -> Ed25519PrivKey.generate(random);
    };
  }
}
