package io.hyphae.node.journal;

import java.math.BigInteger;
import java.util.Locale;

/**
 * A job's identity: the chain, the market contract, and the job id the contract gave it.
 *
 * @param chainId the chain id
 * @param market the market contract's address, stored in lower case
 * @param jobId the on-chain job id, a uint256
 */
public record JobKey(long chainId, String market, BigInteger jobId) {

  private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);

  public JobKey {
    if (chainId <= 0) {
      throw new IllegalArgumentException("chain id must be positive, got " + chainId);
    }
    if (market == null || !market.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("market must be an address, got " + market);
    }
    market = market.toLowerCase(Locale.ROOT);
    if (jobId == null || jobId.signum() < 0 || jobId.compareTo(UINT256_LIMIT) >= 0) {
      throw new IllegalArgumentException("job id must be a uint256, got " + jobId);
    }
  }

  /** The job id as 64 lower-case hex digits: fixed width, so text order is numeric order. */
  String jobIdHex() {
    String hex = jobId.toString(16);
    return "0".repeat(64 - hex.length()) + hex;
  }

  @Override
  public String toString() {
    return "job " + jobId + " on market " + market + " (chain " + chainId + ")";
  }
}
