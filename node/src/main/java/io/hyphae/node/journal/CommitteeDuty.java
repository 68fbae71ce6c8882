package io.hyphae.node.journal;

import io.hyphae.protocol.commitment.Bytes32;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

/**
 * One challenge on whose committee this node sits, as the journal keeps it: what the challenge is
 * about (from its {@code ChallengeOpened} event and the job's spec), how far the node got, and its
 * vote with the salt, journalled before the vote's commitment is sent so that a restarted node can
 * still reveal it.
 *
 * @param chainId the chain
 * @param market the JobMarket address (lower case)
 * @param challengeId the challenge
 * @param jobId the challenged job
 * @param index the challenged assignment's index
 * @param shard the challenged shard
 * @param inputLeaf the shard's input leaf, as the challenge states it
 * @param outputHash the provider's output hash, as the challenge states it
 * @param modelHash the job's model
 * @param profileHash the job's execution profile
 * @param challenger who opened the challenge (lower case): the only peer whose evidence counts
 * @param commitDeadline votes are committed until this chain time (unix seconds, inclusive)
 * @param revealDeadline and revealed after the commit deadline until this one (inclusive)
 * @param step how far the node got
 * @param vote the node's vote once decided
 * @param note why the node voted as it did, or why it stopped (for people)
 */
public record CommitteeDuty(
    long chainId,
    String market,
    BigInteger challengeId,
    BigInteger jobId,
    int index,
    int shard,
    Bytes32 inputLeaf,
    Bytes32 outputHash,
    Bytes32 modelHash,
    Bytes32 profileHash,
    String challenger,
    long commitDeadline,
    long revealDeadline,
    Step step,
    Optional<Vote> vote,
    String note) {

  /** Where a duty stands; a duty only moves forward. */
  public enum Step {
    /** Seen on chain; waiting for evidence and the re-run. */
    OPEN,
    /** The vote and its salt are journalled; the commitment may or may not be on chain yet. */
    VOTED,
    /** The commitment is on chain. */
    COMMITTED,
    /** The vote is revealed; the challenge waits to be resolved. */
    REVEALED,
    /** Nothing more to do: resolved, or a deadline passed. */
    DONE;

    public boolean isOpen() {
      return this != DONE;
    }
  }

  /** A committee vote: {@code upheld} means the provider was wrong. */
  public record Vote(boolean upheld, Bytes32 salt) {}

  public CommitteeDuty {
    market = market.toLowerCase(Locale.ROOT);
    challenger = challenger.toLowerCase(Locale.ROOT);
    vote = vote == null ? Optional.empty() : vote;
    note = note == null ? "" : note;
    if (challengeId.signum() <= 0) {
      throw new IllegalArgumentException("challenge ids start at 1");
    }
    if (step.compareTo(Step.VOTED) >= 0 && step != Step.DONE && vote.isEmpty()) {
      throw new IllegalArgumentException("a duty at " + step + " needs its vote");
    }
  }

  public CommitteeDuty at(Step newStep, String newNote) {
    return new CommitteeDuty(
        chainId,
        market,
        challengeId,
        jobId,
        index,
        shard,
        inputLeaf,
        outputHash,
        modelHash,
        profileHash,
        challenger,
        commitDeadline,
        revealDeadline,
        newStep,
        vote,
        newNote);
  }

  public CommitteeDuty voted(Vote newVote, String newNote) {
    return new CommitteeDuty(
        chainId,
        market,
        challengeId,
        jobId,
        index,
        shard,
        inputLeaf,
        outputHash,
        modelHash,
        profileHash,
        challenger,
        commitDeadline,
        revealDeadline,
        Step.VOTED,
        Optional.of(newVote),
        newNote);
  }

  /**
   * The journal's rule for replacing {@code before} with {@code after}: the same challenge, the
   * step never moves back, and a vote once journalled never changes (a second salt could not be
   * revealed against the first commitment).
   *
   * @throws JournalException.InvalidTransition when the change breaks the rule
   */
  public static void checkMove(Optional<CommitteeDuty> before, CommitteeDuty after) {
    if (before.isEmpty()) {
      return;
    }
    CommitteeDuty b = before.get();
    if (!b.challengeId.equals(after.challengeId)
        || b.chainId != after.chainId
        || !b.market.equals(after.market)
        || !b.jobId.equals(after.jobId)
        || b.index != after.index
        || b.shard != after.shard
        || !b.inputLeaf.equals(after.inputLeaf)
        || !b.outputHash.equals(after.outputHash)) {
      throw new JournalException.InvalidTransition(
          "challenge " + b.challengeId + ": a duty's challenge does not change");
    }
    if (after.step.compareTo(b.step) < 0) {
      throw new JournalException.InvalidTransition(
          "challenge " + b.challengeId + " cannot go from " + b.step + " back to " + after.step);
    }
    if (b.vote.isPresent() && !b.vote.equals(after.vote)) {
      throw new JournalException.InvalidTransition(
          "challenge " + b.challengeId + ": the journalled vote cannot change");
    }
  }
}
