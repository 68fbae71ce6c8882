package io.hyphae.wallet.job;

import io.hyphae.protocol.commitment.ShardInput;
import java.util.ArrayList;
import java.util.List;

/**
 * How a job's rows become shards and how shards are split among providers: contiguous parts whose
 * sizes differ by at most one, the first {@code total % parts} parts one larger (E2E design).
 */
public final class Sharding {

  private Sharding() {}

  /** The rows split into {@code shards} contiguous text shards. */
  public static List<ShardInput> split(List<String> rows, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("--shards must be at least 1");
    }
    if (shards > rows.size()) {
      throw new IllegalArgumentException(
          "--shards " + shards + " is more than the " + rows.size() + " rows of the input");
    }
    List<ShardInput> out = new ArrayList<>(shards);
    for (ShardRange part : evenRanges(0, rows.size(), shards)) {
      out.add(new ShardInput.Texts(part.firstShard(), rows.subList(part.firstShard(), part.end())));
    }
    return List.copyOf(out);
  }

  /**
   * {@code [first, first + count)} cut into {@code min(parts, count)} contiguous ranges whose sizes
   * differ by at most one, larger ones first.
   */
  public static List<ShardRange> evenRanges(int first, int count, int parts) {
    if (count < 1 || parts < 1) {
      throw new IllegalArgumentException("count and parts must be at least 1");
    }
    int n = Math.min(parts, count);
    List<ShardRange> out = new ArrayList<>(n);
    int base = count / n;
    int extra = count % n;
    int start = first;
    for (int i = 0; i < n; i++) {
      int size = base + (i < extra ? 1 : 0);
      out.add(new ShardRange(start, size));
      start += size;
    }
    return List.copyOf(out);
  }
}
