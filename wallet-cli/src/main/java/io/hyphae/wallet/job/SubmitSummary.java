package io.hyphae.wallet.job;

import java.util.List;
import java.util.Map;

/**
 * What {@code job submit} did, for people and for {@code --json}. Amounts are decimal wei.
 *
 * @param phases milliseconds per phase, in order
 * @param verification "passed", "failed" or "skipped", with {@code checks} saying what was compared
 * @param challenges the challenges of shards that failed a spot check, as the job file has them
 * @param startedAt when the job's work began (unix ms; after the key was unlocked)
 * @param timeline milliseconds from {@code startedAt} to the end of each phase (by its name) and to
 *     the first and the last shard result accepted ({@code firstResult}, {@code lastResult})
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
    List<JobRecord.ChallengeJson> challenges,
    long startedAt,
    Map<String, Long> timeline) {

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
