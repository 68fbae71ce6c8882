/**
 * Inference: the {@link io.hyphae.node.inference.InferenceEngine} contract, its ONNX Runtime
 * implementation, the execution profiles jobs name by hash, the bounded executor (a full queue
 * answers busy), the verifier that re-runs a shard against a claimed output, and the per-shard
 * receipt record.
 */
package io.hyphae.node.inference;
