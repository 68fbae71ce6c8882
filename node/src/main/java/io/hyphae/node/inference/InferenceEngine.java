package io.hyphae.node.inference;

import java.util.List;

/** Runs shards of inference work. Implementations bound their queues and never block callers. */
public interface InferenceEngine extends AutoCloseable {

  /** The profiles this engine can run on this machine. */
  List<ExecutionProfile> profiles();

  /**
   * Queues a shard. Never blocks and never throws: a full queue, an unknown model or an invalid row
   * all complete the result exceptionally with a typed {@link InferenceException}.
   */
  RunningShard submit(ShardRequest request);

  @Override
  void close();
}
