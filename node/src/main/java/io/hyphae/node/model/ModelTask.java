package io.hyphae.node.model;

/** What a model computes. */
public enum ModelTask {
  /** Texts in, one pooled (and optionally normalised) float vector per text out. */
  EMBED,
  /** Named tensors in, named tensors out: any ONNX model. */
  TENSOR
}
