package io.hyphae.node.journal;

import java.util.Optional;

/**
 * One shard of a job, as far as it got.
 *
 * @param shard the shard index in the job
 * @param state how far it got
 * @param outputHash the keccak256 of its canonical output ({@code 0x} and 64 hex digits), once DONE
 */
public record ShardProgress(int shard, ShardState state, Optional<String> outputHash) {
  public ShardProgress {
    if (shard < 0 || shard > JobJournal.MAX_SHARD_INDEX) {
      throw new IllegalArgumentException("shard index out of range: " + shard);
    }
    outputHash = outputHash == null ? Optional.empty() : outputHash;
    if (outputHash.isPresent() && !outputHash.get().matches("0x[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "output hash must be 0x and 64 lower-case hex digits, got " + outputHash.get());
    }
    if ((state == ShardState.DONE) != outputHash.isPresent()) {
      throw new IllegalArgumentException("a shard has an output hash exactly when it is DONE");
    }
  }

  public static ShardProgress pending(int shard) {
    return new ShardProgress(shard, ShardState.PENDING, Optional.empty());
  }

  public static ShardProgress running(int shard) {
    return new ShardProgress(shard, ShardState.RUNNING, Optional.empty());
  }

  public static ShardProgress done(int shard, String outputHash) {
    return new ShardProgress(shard, ShardState.DONE, Optional.of(outputHash));
  }
}
