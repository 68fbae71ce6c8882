package io.hyphae.node.inference;

import io.hyphae.node.model.Pooling;
import java.nio.FloatBuffer;

/**
 * Token vectors to sentence vectors, as sentence-transformers computes them, in a fixed order so
 * that the bytes are reproducible: sums and the norm in double precision, token by token, then one
 * rounding to float32 per value.
 */
final class Pooler {

  /**
   * Pools row {@code b} of a {@code [batch, seq, dim]} float tensor.
   *
   * @param mask the row's attention mask (length {@code seq}; 0 marks padding)
   */
  static float[] pool(
      FloatBuffer hidden,
      int b,
      int seq,
      int dim,
      long[] mask,
      Pooling pooling,
      boolean normalize) {
    double[] acc = new double[dim];
    int base = b * seq * dim;
    if (pooling == Pooling.CLS) {
      for (int d = 0; d < dim; d++) {
        acc[d] = hidden.get(base + d);
      }
    } else {
      int count = 0;
      for (int t = 0; t < seq; t++) {
        if (t < mask.length && mask[t] != 0) {
          int offset = base + t * dim;
          for (int d = 0; d < dim; d++) {
            acc[d] += hidden.get(offset + d);
          }
          count++;
        }
      }
      // sentence-transformers clamps the token count at 1e-9; a row always has >= 2 tokens.
      double divisor = Math.max(count, 1e-9);
      for (int d = 0; d < dim; d++) {
        acc[d] /= divisor;
      }
    }
    if (normalize) {
      double sum = 0;
      for (int d = 0; d < dim; d++) {
        sum += acc[d] * acc[d];
      }
      double norm = Math.max(Math.sqrt(sum), 1e-12);
      for (int d = 0; d < dim; d++) {
        acc[d] /= norm;
      }
    }
    float[] out = new float[dim];
    for (int d = 0; d < dim; d++) {
      out[d] = (float) acc[d];
    }
    return out;
  }

  private Pooler() {}
}
