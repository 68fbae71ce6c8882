package io.hyphae.node.inference;

import java.util.concurrent.CompletableFuture;

/** A submitted shard: its eventual result, and a way to cancel it. */
public interface RunningShard {
  /**
   * Completes with the result, or exceptionally with an {@link InferenceException} (busy,
   * cancelled, timed out, invalid input…).
   */
  CompletableFuture<ShardResult> result();

  /** Stops the shard, aborting ONNX Runtime runs in progress; false if it had already finished. */
  boolean cancel();
}
