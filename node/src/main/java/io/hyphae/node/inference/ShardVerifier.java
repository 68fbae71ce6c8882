package io.hyphae.node.inference;

import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.commitment.Tensor;
import io.hyphae.protocol.commitment.TensorRow;
import io.hyphae.protocol.commitment.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Re-runs a shard and compares the result with a claimed output: byte for byte for exact profiles,
 * within the profile's {@link Tolerance} otherwise. Committee members and requesters use it.
 */
public final class ShardVerifier {
  private final InferenceEngine engine;

  public ShardVerifier(InferenceEngine engine) {
    this.engine = engine;
  }

  /** Verifies canonical output bytes claimed for {@code request}. */
  public CompletableFuture<Verdict> verify(ShardRequest request, byte[] claimedOutput) {
    ShardOutput claimed;
    try {
      claimed = ShardCodec.decodeOutput(claimedOutput);
    } catch (CommitmentFormatException e) {
      return CompletableFuture.completedFuture(new Verdict.Malformed(e.getMessage()));
    }
    return engine
        .submit(request)
        .result()
        .handle(
            (result, error) -> {
              if (error != null) {
                InferenceException failure = OnnxInferenceEngine.failure(error);
                return new Verdict.Unverifiable(failure.reason(), failure.getMessage());
              }
              return compare(request.profile(), claimed, result.output());
            });
  }

  /** Compares a claimed output with the re-run's (pure; public for tests and tools). */
  public static Verdict compare(
      ExecutionProfile profile, ShardOutput claimed, ShardOutput expected) {
    if (claimed.rowCount() != expected.rowCount()) {
      return new Verdict.Mismatch(
          Math.min(claimed.rowCount(), expected.rowCount()),
          "the claim has " + claimed.rowCount() + " rows, the shard " + expected.rowCount());
    }
    Optional<Tolerance> tolerance = profile.tolerance();
    return switch (expected) {
      case ShardOutput.Embeddings want -> {
        if (!(claimed instanceof ShardOutput.Embeddings have)) {
          yield new Verdict.Mismatch(0, "the claim holds tensors, the shard embeddings");
        }
        if (have.dimensions() != want.dimensions()) {
          yield new Verdict.Mismatch(
              0, "dimension " + have.dimensions() + " claimed, " + want.dimensions() + " computed");
        }
        double worst = 1;
        for (int row = 0; row < want.rowCount(); row++) {
          float[] a = have.rows().get(row);
          float[] b = want.rows().get(row);
          if (tolerance.isEmpty()) {
            int d = firstDifference(a, b);
            if (d >= 0) {
              yield new Verdict.Mismatch(
                  row,
                  "value " + d + " is " + a[d] + ", re-run gives " + b[d] + " (exact profile)");
            }
          } else {
            double cosine = cosine(a, b);
            worst = Math.min(worst, cosine);
            if (!(cosine >= tolerance.get().minCosine())) {
              yield new Verdict.Mismatch(
                  row, "cosine similarity " + cosine + " is below " + tolerance.get().minCosine());
            }
          }
        }
        yield new Verdict.Match(
            tolerance.isEmpty() ? "bitwise identical" : "worst cosine similarity " + worst);
      }
      case ShardOutput.Tensors want -> {
        if (!(claimed instanceof ShardOutput.Tensors have)) {
          yield new Verdict.Mismatch(0, "the claim holds embeddings, the shard tensors");
        }
        for (int row = 0; row < want.rowCount(); row++) {
          String problem = compareRow(have.rows().get(row), want.rows().get(row), tolerance);
          if (problem != null) {
            yield new Verdict.Mismatch(row, problem);
          }
        }
        yield new Verdict.Match(tolerance.isEmpty() ? "bitwise identical" : "within tolerance");
      }
    };
  }

  private static String compareRow(TensorRow have, TensorRow want, Optional<Tolerance> tolerance) {
    if (have.tensors().size() != want.tensors().size()) {
      return "the claim has "
          + have.tensors().size()
          + " tensors, the re-run "
          + want.tensors().size();
    }
    for (int i = 0; i < want.tensors().size(); i++) {
      Tensor a = have.tensors().get(i);
      Tensor b = want.tensors().get(i);
      if (!a.name().equals(b.name())
          || a.type() != b.type()
          || !Arrays.equals(a.shape(), b.shape())) {
        return "tensor " + a + " claimed, " + b + " computed";
      }
      boolean floating = b.type() == TensorType.FLOAT32 || b.type() == TensorType.FLOAT64;
      if (tolerance.isEmpty() || !floating) {
        if (!Arrays.equals(a.data(), b.data())) {
          return "tensor '" + b.name() + "' differs (exact)";
        }
        continue;
      }
      double max = tolerance.get().maxAbsDiff();
      ByteBuffer x = ByteBuffer.wrap(a.data()).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer y = ByteBuffer.wrap(b.data()).order(ByteOrder.LITTLE_ENDIAN);
      for (long e = 0; e < b.elementCount(); e++) {
        double u = b.type() == TensorType.FLOAT32 ? x.getFloat() : x.getDouble();
        double v = b.type() == TensorType.FLOAT32 ? y.getFloat() : y.getDouble();
        if (!(Math.abs(u - v) <= max)) {
          return "tensor '"
              + b.name()
              + "' element "
              + e
              + " is "
              + u
              + ", re-run gives "
              + v
              + " (tolerance "
              + max
              + ")";
        }
      }
    }
    return null;
  }

  private static int firstDifference(float[] a, float[] b) {
    for (int d = 0; d < a.length; d++) {
      if (Float.floatToIntBits(a[d]) != Float.floatToIntBits(b[d])) {
        return d;
      }
    }
    return -1;
  }

  /** Cosine similarity in double precision; NaN when either vector is zero or not finite. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
