package io.hyphae.node.inference;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a shard is executed, named in a job by {@link #hash()}: keccak256 of the UTF-8 bytes of
 * {@link #descriptor()}. Everything that changes output bytes is in the descriptor.
 *
 * @param name the profile's name
 * @param device where it runs
 * @param maxBatch rows run together; 1 means each row alone, with no padding shared across rows
 * @param optimization ONNX Runtime graph optimisation level ({@code basic} or {@code all})
 * @param ortVersion the ONNX Runtime version the profile pins, or {@code any}
 * @param tolerance empty: outputs must match bit for bit; else the declared tolerance
 */
public record ExecutionProfile(
    String name,
    Device device,
    int maxBatch,
    String optimization,
    String ortVersion,
    Optional<Tolerance> tolerance) {

  /** Where a profile runs. */
  public enum Device {
    CPU,
    CUDA
  }

  /** The ONNX Runtime version this build pins (and cpu-det-v1 requires). */
  public static final String PINNED_ORT_VERSION = "1.29.0";

  /** Tolerance of batched INT8 runs: batch composition alone moved the pooled cosine to 0.973. */
  public static final Tolerance BATCHED_TOLERANCE = new Tolerance(0.95, 0.25);

  /**
   * Verifiable by exact hash: each row alone, ONNX Runtime 1.29.0, basic graph optimisation,
   * pooling and normalisation in double precision in token order.
   */
  public static final ExecutionProfile CPU_DET_V1 =
      new ExecutionProfile(
          "cpu-det-v1", Device.CPU, 1, "basic", PINNED_ORT_VERSION, Optional.empty());

  /** Batched for speed (rows sorted by length, up to 32 together), verified within tolerance. */
  public static final ExecutionProfile CPU_FAST =
      new ExecutionProfile(
          "cpu-fast", Device.CPU, 32, "all", "any", Optional.of(BATCHED_TOLERANCE));

  /** Batched on an NVIDIA GPU through ONNX Runtime's CUDA provider; falls back to the CPU. */
  public static final ExecutionProfile CUDA_FAST =
      new ExecutionProfile(
          "cuda-fast", Device.CUDA, 64, "all", "any", Optional.of(BATCHED_TOLERANCE));

  public static final List<ExecutionProfile> KNOWN = List.of(CPU_DET_V1, CPU_FAST, CUDA_FAST);

  public ExecutionProfile {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1");
    }
    if (!optimization.equals("basic") && !optimization.equals("all")) {
      throw new IllegalArgumentException("optimization must be basic or all");
    }
  }

  /** True when outputs are checked bit for bit. */
  public boolean exact() {
    return tolerance.isEmpty();
  }

  /** The canonical text the profile hash is taken over (docs/inference.md). */
  public String descriptor() {
    return "hyphae-profile-v1"
        + ";name="
        + name
        + ";device="
        + device.name().toLowerCase(Locale.ROOT)
        + ";batch="
        + maxBatch
        + ";opt="
        + optimization
        + ";ort="
        + ortVersion
        + ";pooling=f64-token-order;normalize=f64-l2-eps1e-12"
        + tolerance
            .map(
                t ->
                    ";verify=tolerance;minCosine="
                        + t.minCosine()
                        + ";maxAbsDiff="
                        + t.maxAbsDiff())
            .orElse(";verify=exact");
  }

  public Bytes32 hash() {
    return Keccak256.hash(descriptor().getBytes(StandardCharsets.UTF_8));
  }

  /** A known profile by name or by hash ({@code 0x…}). */
  public static Optional<ExecutionProfile> find(String nameOrHash) {
    for (ExecutionProfile profile : KNOWN) {
      if (profile.name.equals(nameOrHash) || profile.hash().toHex().equalsIgnoreCase(nameOrHash)) {
        return Optional.of(profile);
      }
    }
    return Optional.empty();
  }
}
