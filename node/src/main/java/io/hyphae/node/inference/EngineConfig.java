package io.hyphae.node.inference;

/**
 * Sizing of an {@link OnnxInferenceEngine}.
 *
 * @param workers inference threads; each runs ONNX Runtime single-threaded, so one per core
 * @param maxPendingShards shards admitted (queued or running); one more is answered busy
 * @param maxRowsPerShard the most rows one shard may hold
 * @param cudaDevice the GPU index the CUDA profile uses
 * @param intraOpThreads ONNX Runtime threads per run (1: parallelism comes from the workers)
 */
public record EngineConfig(
    int workers, int maxPendingShards, int maxRowsPerShard, int cudaDevice, int intraOpThreads) {
  public EngineConfig {
    if (workers < 1 || workers > 1024) {
      throw new IllegalArgumentException("workers must be from 1 to 1024");
    }
    if (maxPendingShards < 1 || maxPendingShards > 100_000) {
      throw new IllegalArgumentException("maxPendingShards must be from 1 to 100000");
    }
    if (maxRowsPerShard < 1 || maxRowsPerShard > 1 << 20) {
      throw new IllegalArgumentException("maxRowsPerShard must be from 1 to 1048576");
    }
    if (intraOpThreads < 1 || intraOpThreads > 256) {
      throw new IllegalArgumentException("intraOpThreads must be from 1 to 256");
    }
    if (cudaDevice < 0) {
      throw new IllegalArgumentException("cudaDevice must be non-negative");
    }
  }

  /** One worker per core, four pending shards per worker, 4096 rows per shard, GPU 0. */
  public static EngineConfig defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new EngineConfig(cores, cores * 4, 4096, 0, 1);
  }

  public EngineConfig withWorkers(int n) {
    return new EngineConfig(n, maxPendingShards, maxRowsPerShard, cudaDevice, intraOpThreads);
  }

  public EngineConfig withIntraOpThreads(int n) {
    return new EngineConfig(workers, maxPendingShards, maxRowsPerShard, cudaDevice, n);
  }

  public EngineConfig withMaxPendingShards(int n) {
    return new EngineConfig(workers, n, maxRowsPerShard, cudaDevice, intraOpThreads);
  }
}
