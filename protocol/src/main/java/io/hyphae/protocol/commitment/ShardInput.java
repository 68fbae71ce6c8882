package io.hyphae.protocol.commitment;

import java.util.List;

/**
 * The input of one shard: a contiguous range of a job's rows, starting at {@link #firstRow()}. Its
 * canonical bytes ({@link ShardCodec#encodeInput}) are what the input leaf commits to.
 */
public sealed interface ShardInput {
  long firstRow();

  int rowCount();

  /** Text rows for the {@code embed} task. */
  record Texts(long firstRow, List<String> rows) implements ShardInput {
    public Texts {
      if (firstRow < 0) {
        throw new IllegalArgumentException("firstRow must be non-negative");
      }
      rows = List.copyOf(rows);
    }

    @Override
    public int rowCount() {
      return rows.size();
    }
  }

  /** Rows of named tensors for the {@code tensor} task. */
  record Tensors(long firstRow, List<TensorRow> rows) implements ShardInput {
    public Tensors {
      if (firstRow < 0) {
        throw new IllegalArgumentException("firstRow must be non-negative");
      }
      rows = List.copyOf(rows);
    }

    @Override
    public int rowCount() {
      return rows.size();
    }
  }
}
