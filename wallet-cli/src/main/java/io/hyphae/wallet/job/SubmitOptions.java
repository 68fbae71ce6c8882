package io.hyphae.wallet.job;

import io.hyphae.protocol.commitment.Bytes32;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code job submit} request, validated.
 *
 * @param exactProfile true when outputs must match bit for bit (the deterministic CPU profile)
 * @param spotChecks rows re-run per shard on another provider (or locally, see {@code verifier})
 * @param verifier who re-runs the sampled rows
 * @param waitForSettlement false for {@code --no-wait}: stop once results are written
 * @param knownProviders every provider whose address is known (those asked, then the devnet's):
 *     where challenge committee members are looked up
 */
public record SubmitOptions(
    Path input,
    Path out,
    Bytes32 modelHash,
    Bytes32 profileHash,
    boolean exactProfile,
    int shards,
    int redundancy,
    BigInteger maxPricePerShard,
    Duration bidWindow,
    Duration commitDeadline,
    Duration challengeWindow,
    List<ProviderRef> providers,
    int spotChecks,
    SpotCheck.Verifier verifier,
    boolean waitForSettlement,
    List<ProviderRef> knownProviders) {

  public SubmitOptions {
    providers = List.copyOf(providers);
    java.util.Objects.requireNonNull(verifier, "verifier");
    knownProviders = List.copyOf(knownProviders);
    if (shards < 1) {
      throw new IllegalArgumentException("--shards must be at least 1");
    }
    if (redundancy < 1 || redundancy > 255) {
      throw new IllegalArgumentException("--redundancy must be 1..255");
    }
    if (maxPricePerShard.signum() <= 0 || maxPricePerShard.bitLength() > 96) {
      throw new IllegalArgumentException("--max-price must be a positive amount below 2^96 wei");
    }
    if (bidWindow.isNegative() || bidWindow.isZero()) {
      throw new IllegalArgumentException("--bid-window must be positive");
    }
    if (commitDeadline.toSeconds() < 1 || challengeWindow.toSeconds() < 1) {
      throw new IllegalArgumentException("--commit-deadline and --challenge-window must be >= 1 s");
    }
    if (challengeWindow.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("--challenge-window must be at most 30 days");
    }
    if (spotChecks < 0) {
      throw new IllegalArgumentException("--spot-checks must not be negative");
    }
  }
}
