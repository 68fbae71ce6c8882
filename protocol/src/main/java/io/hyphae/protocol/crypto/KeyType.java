package io.hyphae.protocol.crypto;

import io.hyphae.protocol.proto.KeysProto;

/** The identity key types we can use; RSA and ECDSA keys are refused. */
public enum KeyType {
  SECP256K1(KeysProto.KeyType.Secp256k1),
  ED25519(KeysProto.KeyType.Ed25519);

  private final KeysProto.KeyType proto;

  KeyType(KeysProto.KeyType proto) {
    this.proto = proto;
  }

  KeysProto.KeyType proto() {
    return proto;
  }

  static KeyType of(KeysProto.KeyType proto) {
    for (KeyType t : values()) {
      if (t.proto == proto) {
        return t;
      }
    }
    throw new KeyFormatException("unsupported key type " + proto);
  }
}
