package io.hyphae.contracts.market;

import java.math.BigInteger;
import java.util.Locale;

/**
 * One provider's part of a job, as the market records it (the chain stores its hash; calls pass the
 * whole record). {@code resultRoot} is zero and {@code challengeDeadline} 0 until committed.
 */
public record Assignment(
    BigInteger jobId,
    int index,
    int replica,
    Status status,
    String requester,
    String provider,
    int firstShard,
    int shardCount,
    BigInteger pricePerShard,
    BigInteger collateral,
    long commitDeadline,
    long challengeWindow,
    Bytes32 resultRoot,
    long challengeDeadline) {

  /** Assignment states, numbered as the contract numbers them. */
  public enum Status {
    NONE,
    ASSIGNED,
    COMMITTED,
    CHALLENGED,
    FINALIZED,
    RECLAIMED,
    SLASHED,
    LEAF_DEMANDED;

    /** The contract's name for the state, as errors show it. */
    public String contractName() {
      StringBuilder sb = new StringBuilder();
      for (String part : name().split("_")) {
        sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
      }
      return sb.toString();
    }
  }

  public Assignment {
    requester = requester.toLowerCase(Locale.ROOT);
    provider = provider.toLowerCase(Locale.ROOT);
  }

  /** pricePerShard * shardCount: what finalizing pays the provider. */
  public BigInteger payment() {
    return pricePerShard.multiply(BigInteger.valueOf(shardCount));
  }

  public boolean covers(int shard) {
    return shard >= firstShard && shard - firstShard < shardCount;
  }

  public Assignment with(Status newStatus, Bytes32 newRoot, long newChallengeDeadline) {
    return new Assignment(
        jobId,
        index,
        replica,
        newStatus,
        requester,
        provider,
        firstShard,
        shardCount,
        pricePerShard,
        collateral,
        commitDeadline,
        challengeWindow,
        newRoot,
        newChallengeDeadline);
  }

  public Assignment with(Status newStatus) {
    return with(newStatus, resultRoot, challengeDeadline);
  }
}
