package io.hyphae.wallet.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How a spot check compares a provider's row with a verifier's: exactly, bit for bit, for the
 * deterministic CPU profile ({@value #EXACT_PROFILE}); within cosine similarity {@value
 * #MIN_COSINE} for tolerant profiles.
 */
public final class SpotCheck {

  /** The profile whose outputs are bitwise reproducible (ARCHITECTURE.md). */
  public static final String EXACT_PROFILE = "cpu-det-v1";

  public static final double MIN_COSINE = 0.999;

  /** Who re-runs the sampled rows ({@code job submit --verifier}). */
  public enum Verifier {
    /** Another provider; this machine when there is none or it cannot (and the model is here). */
    AUTO,
    /** Only another provider; the shard is skipped when there is none. */
    PROVIDERS,
    /** This machine, with the node program next to the wallet. */
    LOCAL
  }

  private SpotCheck() {}

  /** Why {@code got} does not match {@code expected}, or empty when it does. */
  public static Optional<String> mismatch(float[] expected, float[] got, boolean exact) {
    if (expected.length != got.length) {
      return Optional.of("dimensions differ: " + expected.length + " vs " + got.length);
    }
    if (exact) {
      for (int i = 0; i < expected.length; i++) {
        if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(got[i])) {
          return Optional.of("value " + i + " differs: " + expected[i] + " vs " + got[i]);
        }
      }
      return Optional.empty();
    }
    double cos = cosine(expected, got);
    return cos >= MIN_COSINE
        ? Optional.empty()
        : Optional.of(String.format(java.util.Locale.ROOT, "cosine %.5f < %.3f", cos, MIN_COSINE));
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    if (na == 0 || nb == 0) {
      return na == nb ? 1 : 0;
    }
    return dot / Math.sqrt(na * nb);
  }

  /** {@code k} distinct row offsets in {@code [0, rows)}, ascending (all when k >= rows). */
  public static List<Integer> sample(int rows, int k, RandomGenerator random) {
    List<Integer> all = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      all.add(i);
    }
    if (k >= rows) {
      return all;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(rows - i);
      Integer t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
    }
    List<Integer> out = new ArrayList<>(all.subList(0, k));
    out.sort(null);
    return out;
  }
}
