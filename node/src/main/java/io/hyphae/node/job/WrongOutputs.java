package io.hyphae.node.job;

import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.commitment.TensorRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The test-only {@link io.hyphae.node.config.Fault#WRONG_OUTPUT}: a wrong output that is still a
 * canonical one (a dishonest provider would not send malformed bytes), far outside any profile's
 * tolerance.
 */
final class WrongOutputs {

  private WrongOutputs() {}

  /**
   * Embeddings: 1.0 added to the first value of every row (a unit vector's cosine with itself so
   * changed falls to about 0.7). Tensors: the rows rotated by one (so only outputs whose rows
   * differ come out wrong; every built-in model gives embeddings).
   */
  static ShardOutput perturb(ShardOutput output) {
    return switch (output) {
      case ShardOutput.Embeddings e -> {
        List<float[]> rows = new ArrayList<>(e.rowCount());
        for (int i = 0; i < e.rowCount(); i++) {
          float[] row = e.row(i);
          row[0] += 1.0f;
          rows.add(row);
        }
        yield new ShardOutput.Embeddings(e.dimensions(), rows);
      }
      case ShardOutput.Tensors t -> {
        List<TensorRow> rows = new ArrayList<>(t.rows());
        Collections.rotate(rows, 1);
        yield new ShardOutput.Tensors(rows);
      }
    };
  }
}
