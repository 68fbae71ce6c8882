package io.hyphae.wallet.job;

import java.util.List;
import java.util.Map;

/**
 * What {@code job submit} did, for people and for {@code --json}. Amounts are decimal wei.
 *
 * @param phases milliseconds per phase, in order
 * @param verification "passed", "failed" or "skipped", with {@code checks} saying what was compared
 * @param challenges the challenges of shards that failed a spot check, as the job file has them
 */
public record SubmitSummary(
    String jobId,
    String state,
    List<Served> assignments,
    Map<String, Long> phases,
    String pricePaid,
    long gasUsed,
    String verification,
    List<String> checks,
    String balanceBefore,
    String balanceAfter,
    String out,
    List<String> problems,
    List<JobRecord.ChallengeJson> challenges) {

  /**
   * True when the requester got what it paid for: the spot checks did not fail, or every assignment
   * that failed one was challenged and the challenge upheld (refunded, the provider slashed).
   */
  public boolean requesterWhole() {
    return !"failed".equals(verification)
        || (!challenges.isEmpty() && challenges.stream().allMatch(JobRecord.ChallengeJson::upheld));
  }

  /** Which provider served which shards, and how it ended. */
  public record Served(
      int index, int replica, String provider, String shards, String status, String price) {}
}
