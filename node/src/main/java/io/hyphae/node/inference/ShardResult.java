package io.hyphae.node.inference;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardOutput;
import java.time.Duration;
import java.util.List;

/**
 * A shard's output with its hash (keccak256 of the canonical output bytes).
 *
 * @param truncatedRows rows cut to the model's max tokens (only with {@code TRUNCATE})
 * @param device where it ran, e.g. {@code cpu}, or {@code cpu (cuda unavailable: …)}
 */
public record ShardResult(
    ShardOutput output,
    Bytes32 outputHash,
    List<Integer> truncatedRows,
    String device,
    Duration elapsed) {
  public ShardResult {
    truncatedRows = List.copyOf(truncatedRows);
  }
}
