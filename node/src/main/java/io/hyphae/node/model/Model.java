package io.hyphae.node.model;

import io.hyphae.protocol.commitment.Bytes32;
import java.util.Optional;

/**
 * A loaded model: its hash, manifest and file contents. The byte arrays are shared, never modified.
 *
 * @param source where it came from, for people ("built-in", a directory)
 */
public record Model(
    Bytes32 id, ModelManifest manifest, byte[] onnx, Optional<byte[]> tokenizer, String source) {

  public String name() {
    return manifest.name();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Model m && m.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Model[" + manifest.name() + " " + id + " from " + source + "]";
  }
}
