package io.hyphae.node.inference;

/**
 * How far a re-run may differ from a claimed output and still match, for profiles that are not
 * bitwise reproducible.
 *
 * @param minCosine embeddings: the least cosine similarity per row
 * @param maxAbsDiff float tensors: the largest absolute difference per element (integer tensors
 *     must match exactly)
 */
public record Tolerance(double minCosine, double maxAbsDiff) {
  public Tolerance {
    if (!(minCosine > 0 && minCosine <= 1) || !(maxAbsDiff >= 0)) {
      throw new IllegalArgumentException("tolerance out of range");
    }
  }
}
