package io.hyphae.protocol.commitment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The output of one shard, one entry per input row in order; hashed as {@link ShardCodec}. */
public sealed interface ShardOutput {
  int rowCount();

  /** One float32 vector per row, all of the same length. */
  record Embeddings(int dimensions, List<float[]> rows) implements ShardOutput {
    public Embeddings {
      if (dimensions <= 0) {
        throw new IllegalArgumentException("dimensions must be positive");
      }
      List<float[]> copy = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).length != dimensions) {
          throw new IllegalArgumentException(
              "row " + i + " has " + rows.get(i).length + " values, expected " + dimensions);
        }
        copy.add(rows.get(i).clone());
      }
      rows = List.copyOf(copy);
    }

    @Override
    public int rowCount() {
      return rows.size();
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
      return rows.get(i).clone();
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Embeddings other)
          || other.dimensions != dimensions
          || other.rows.size() != rows.size()) {
        return false;
      }
      for (int i = 0; i < rows.size(); i++) {
        if (!Arrays.equals(rows.get(i), other.rows.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = dimensions;
      for (float[] row : rows) {
        h = 31 * h + Arrays.hashCode(row);
      }
      return h;
    }

    @Override
    public String toString() {
      return "Embeddings[" + rows.size() + " x " + dimensions + "]";
    }
  }

  /** Rows of named output tensors. */
  record Tensors(List<TensorRow> rows) implements ShardOutput {
    public Tensors {
      rows = List.copyOf(rows);
    }

    @Override
    public int rowCount() {
      return rows.size();
    }
  }
}
