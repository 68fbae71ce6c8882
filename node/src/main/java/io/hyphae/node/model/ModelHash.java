package io.hyphae.node.model;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A model's identity: {@code keccak256("hyphae-model-v1" ++ keccak256(manifest) ++ keccak256(onnx)
 * ++ keccak256(tokenizer))}, each file hashed as its exact bytes on disk, the prefix as 15 ASCII
 * bytes, the tokenizer hash 32 zero bytes when the model has none (tensor models). 111 bytes are
 * hashed in all.
 */
public final class ModelHash {
  static final byte[] DOMAIN = "hyphae-model-v1".getBytes(StandardCharsets.US_ASCII);

  public static Bytes32 of(byte[] manifest, byte[] onnx, Optional<byte[]> tokenizer) {
    return Keccak256.hash(
        DOMAIN,
        Keccak256.hash(manifest).toArray(),
        Keccak256.hash(onnx).toArray(),
        tokenizer.map(t -> Keccak256.hash(t).toArray()).orElse(new byte[32]));
  }

  private ModelHash() {}
}
