package io.hyphae.node.inference;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardInput;

/** One shard to run: which model (by hash), how (profile), which shard of the job, its rows. */
public record ShardRequest(
    Bytes32 model,
    ExecutionProfile profile,
    long shardIndex,
    ShardInput input,
    InferenceOptions options) {

  public ShardRequest {
    if (shardIndex < 0 || shardIndex > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("shard index must fit in uint32");
    }
  }

  public static ShardRequest of(Bytes32 model, ExecutionProfile profile, ShardInput input) {
    return new ShardRequest(model, profile, 0, input, InferenceOptions.DEFAULT);
  }
}
