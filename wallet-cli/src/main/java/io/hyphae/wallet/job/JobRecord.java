package io.hyphae.wallet.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bytes32;
import io.hyphae.contracts.market.JobSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What the requester's wallet remembers of a job it posted ({@code <jobs dir>/<jobId>.json}), so
 * that later commands and a restart know it: the chain, the spec, the assignments as last seen, the
 * input and output files and the wallet's state. Amounts are decimal wei strings.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobRecord(
    int version,
    String jobId,
    long chainId,
    String market,
    String requester,
    String state,
    String inputFile,
    String outFile,
    int rows,
    SpecJson spec,
    List<AssignmentJson> assignments,
    List<String> problems,
    String verification,
    long createdAt,
    long updatedAt,
    List<LeafJson> leaves,
    List<ChallengeJson> challenges,
    List<ProviderJson> providers,
    List<DemandJson> demands) {

  public static final int VERSION = 1;

  /** The wallet's states of a job, in order. */
  public enum State {
    POSTED,
    ASSIGNED,
    DELIVERED,
    COMMITTED,
    VERIFIED,
    CHALLENGED,
    FINALIZED,
    CANCELLED,
    FAILED
  }

  public JobRecord {
    Objects.requireNonNull(jobId, "jobId");
    assignments = assignments == null ? List.of() : List.copyOf(assignments);
    problems = problems == null ? List.of() : List.copyOf(problems);
    leaves = leaves == null ? List.of() : List.copyOf(leaves);
    challenges = challenges == null ? List.of() : List.copyOf(challenges);
    providers = providers == null ? List.of() : List.copyOf(providers);
    demands = demands == null ? List.of() : List.copyOf(demands);
  }

  public BigInteger id() {
    return new BigInteger(jobId);
  }

  public JobRecord with(State newState, long now) {
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        newState.name(),
        inputFile,
        outFile,
        rows,
        spec,
        assignments,
        problems,
        verification,
        createdAt,
        now,
        leaves,
        challenges,
        providers,
        demands);
  }

  public JobRecord withAssignments(List<Assignment> list, long now) {
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        state,
        inputFile,
        outFile,
        rows,
        spec,
        list.stream().map(AssignmentJson::of).toList(),
        problems,
        verification,
        createdAt,
        now,
        leaves,
        challenges,
        providers,
        demands);
  }

  public JobRecord withProblem(String problem, long now) {
    List<String> more = new ArrayList<>(problems);
    more.add(problem);
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        state,
        inputFile,
        outFile,
        rows,
        spec,
        assignments,
        more,
        verification,
        createdAt,
        now,
        leaves,
        challenges,
        providers,
        demands);
  }

  public JobRecord withVerification(String outcome, long now) {
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        state,
        inputFile,
        outFile,
        rows,
        spec,
        assignments,
        problems,
        outcome,
        createdAt,
        now,
        leaves,
        challenges,
        providers,
        demands);
  }

  public JobRecord withLeaves(List<LeafJson> list, long now) {
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        state,
        inputFile,
        outFile,
        rows,
        spec,
        assignments,
        problems,
        verification,
        createdAt,
        now,
        list,
        challenges,
        providers,
        demands);
  }

  /** This record with {@code c} in place of the challenge of the same assignment, or added. */
  public JobRecord withChallenge(ChallengeJson c, long now) {
    List<ChallengeJson> more = new ArrayList<>();
    for (ChallengeJson x : challenges) {
      if (x.assignment() != c.assignment()) {
        more.add(x);
      }
    }
    more.add(c);
    more.sort(java.util.Comparator.comparingInt(ChallengeJson::assignment));
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        state,
        inputFile,
        outFile,
        rows,
        spec,
        assignments,
        problems,
        verification,
        createdAt,
        now,
        leaves,
        more,
        providers,
        demands);
  }

  public JobRecord withProviders(List<ProviderRef> list, long now) {
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        state,
        inputFile,
        outFile,
        rows,
        spec,
        assignments,
        problems,
        verification,
        createdAt,
        now,
        leaves,
        challenges,
        list.stream().map(p -> new ProviderJson(p.name(), p.address().toString())).toList(),
        demands);
  }

  /** This record with {@code d} in place of the leaf demand on the same assignment, or added. */
  public JobRecord withDemand(DemandJson d, long now) {
    List<DemandJson> more = new ArrayList<>();
    for (DemandJson x : demands) {
      if (x.assignment() != d.assignment()) {
        more.add(x);
      }
    }
    more.add(d);
    more.sort(java.util.Comparator.comparingInt(DemandJson::assignment));
    return new JobRecord(
        version,
        jobId,
        chainId,
        market,
        requester,
        state,
        inputFile,
        outFile,
        rows,
        spec,
        assignments,
        problems,
        verification,
        createdAt,
        now,
        leaves,
        challenges,
        providers,
        more);
  }

  /**
   * A leaf demand on an assignment whose provider committed a root but withheld results: {@code
   * state} DEMANDED (waiting for the provider's answer until {@code responseDeadline}), ANSWERED
   * (the provider proved the leaf on chain but still delivered nothing), WITHHELD (no answer: the
   * provider was slashed and the requester credited {@code credited} wei, payment plus collateral)
   * or NOT_DEMANDED ({@code note} says why).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DemandJson(
      int assignment,
      int shard,
      String provider,
      String state,
      long responseDeadline,
      String credited,
      String note) {}

  /** A provider the job asked for bids: where committee members are looked up too. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ProviderJson(String name, String multiaddr) {}

  /**
   * A challenge of one assignment's shard, or why none could be opened ({@code state} NOT_OPENED,
   * {@code note} saying what to do). Amounts are decimal wei; {@code verdict} is the contract's
   * name (Upheld, Rejected, Void) once resolved.
   *
   * @param state NOT_OPENED, OPEN or RESOLVED
   * @param reason why the shard was challenged (the spot check's mismatch)
   * @param evidence per member: ACCEPTED, REFUSED, UNREACHABLE or NO_ADDRESS, with the detail
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ChallengeJson(
      String challengeId,
      int assignment,
      int shard,
      String provider,
      String state,
      String reason,
      String note,
      String bond,
      List<String> members,
      List<EvidenceJson> evidence,
      long commitDeadline,
      long revealDeadline,
      int committed,
      int revealed,
      String verdict,
      String slashed,
      String refund,
      Boolean bondReturned,
      String challengerShare) {

    public ChallengeJson {
      members = members == null ? List.of() : List.copyOf(members);
      evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    public boolean upheld() {
      return Verdict.UPHELD.contractName().equals(verdict);
    }
  }

  /** How one committee member took the evidence. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record EvidenceJson(String member, String status, String detail) {}

  /**
   * One result leaf as the provider's signed receipt gave it: what a challenge of the shard proves
   * against the provider's committed root.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LeafJson(
      int assignment, int shard, String inputLeaf, String outputHash, String receiptSignature) {}

  /** The job spec in JSON form (hashes and peer id as hex). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SpecJson(
      String modelHash,
      String profileHash,
      String inputRoot,
      int shardCount,
      int redundancy,
      String maxPricePerShard,
      long commitDeadline,
      long challengeWindow,
      long salt,
      String requesterPeerId) {

    public static SpecJson of(JobSpec s) {
      return new SpecJson(
          s.modelHash().toString(),
          s.profileHash().toString(),
          s.inputRoot().toString(),
          s.shardCount(),
          s.redundancy(),
          s.maxPricePerShard().toString(),
          s.commitDeadline(),
          s.challengeWindow(),
          s.salt(),
          "0x" + HexFormat.of().formatHex(s.requesterPeerId()));
    }

    public JobSpec toSpec() {
      return new JobSpec(
          bytes32(modelHash),
          bytes32(profileHash),
          bytes32(inputRoot),
          shardCount,
          redundancy,
          new BigInteger(maxPricePerShard),
          commitDeadline,
          challengeWindow,
          salt,
          HexFormat.of().parseHex(requesterPeerId.substring(2)));
    }
  }

  /** An assignment record in JSON form. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AssignmentJson(
      int index,
      int replica,
      String status,
      String requester,
      String provider,
      int firstShard,
      int shardCount,
      String pricePerShard,
      String collateral,
      long commitDeadline,
      long challengeWindow,
      String resultRoot,
      long challengeDeadline) {

    public static AssignmentJson of(Assignment a) {
      return new AssignmentJson(
          a.index(),
          a.replica(),
          a.status().name(),
          a.requester(),
          a.provider(),
          a.firstShard(),
          a.shardCount(),
          a.pricePerShard().toString(),
          a.collateral().toString(),
          a.commitDeadline(),
          a.challengeWindow(),
          a.resultRoot().toString(),
          a.challengeDeadline());
    }

    public Assignment toAssignment(BigInteger jobId) {
      return new Assignment(
          jobId,
          index,
          replica,
          Assignment.Status.valueOf(status),
          requester,
          provider,
          firstShard,
          shardCount,
          new BigInteger(pricePerShard),
          new BigInteger(collateral),
          commitDeadline,
          challengeWindow,
          bytes32(resultRoot),
          challengeDeadline);
    }
  }

  static Bytes32 bytes32(String hex) {
    return Bytes32.of(HexFormat.of().parseHex(hex.startsWith("0x") ? hex.substring(2) : hex));
  }
}
