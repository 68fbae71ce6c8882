package io.hyphae.contracts.market;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a requester asks for (docs/contracts.md "Job ids and the job spec"). Times are unix seconds.
 */
public record JobSpec(
    Bytes32 modelHash,
    Bytes32 profileHash,
    Bytes32 inputRoot,
    int shardCount,
    int redundancy,
    BigInteger maxPricePerShard,
    long commitDeadline,
    long challengeWindow,
    long salt,
    byte[] requesterPeerId) {

  public JobSpec {
    Objects.requireNonNull(modelHash, "modelHash");
    Objects.requireNonNull(profileHash, "profileHash");
    Objects.requireNonNull(inputRoot, "inputRoot");
    Objects.requireNonNull(maxPricePerShard, "maxPricePerShard");
    if (shardCount < 0 || redundancy < 0 || redundancy > 255) {
      throw new IllegalArgumentException("shardCount and redundancy must fit their uint types");
    }
    requesterPeerId = requesterPeerId.clone();
  }

  /** The escrow {@code postJob} takes: shardCount * redundancy * maxPricePerShard. */
  public BigInteger escrow() {
    return maxPricePerShard.multiply(BigInteger.valueOf((long) shardCount * redundancy));
  }

  @Override
  public byte[] requesterPeerId() {
    return requesterPeerId.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobSpec s
        && modelHash.equals(s.modelHash)
        && profileHash.equals(s.profileHash)
        && inputRoot.equals(s.inputRoot)
        && shardCount == s.shardCount
        && redundancy == s.redundancy
        && maxPricePerShard.equals(s.maxPricePerShard)
        && commitDeadline == s.commitDeadline
        && challengeWindow == s.challengeWindow
        && salt == s.salt
        && Arrays.equals(requesterPeerId, s.requesterPeerId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
                modelHash,
                profileHash,
                inputRoot,
                shardCount,
                redundancy,
                maxPricePerShard,
                commitDeadline,
                challengeWindow,
                salt)
            * 31
        + Arrays.hashCode(requesterPeerId);
  }

  @Override
  public String toString() {
    return "JobSpec[modelHash=%s, profileHash=%s, inputRoot=%s, shardCount=%d, redundancy=%d, maxPricePerShard=%s, commitDeadline=%d, challengeWindow=%d, salt=%d, requesterPeerId=%s]"
        .formatted(
            modelHash,
            profileHash,
            inputRoot,
            shardCount,
            redundancy,
            maxPricePerShard,
            commitDeadline,
            challengeWindow,
            salt,
            HexFormat.of().formatHex(requesterPeerId));
  }
}
