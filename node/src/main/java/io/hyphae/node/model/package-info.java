/**
 * The model registry. A model is named by the keccak256 content hash of its manifest, ONNX and
 * tokenizer files (the layout is in {@link io.hyphae.node.model.ModelHash}); the built-in models
 * come from the Maven Central jars on the class path, user models from directories.
 */
package io.hyphae.node.model;
