package io.hyphae.contracts.market;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;

/**
 * The market's job events, in the order the market emitted them (see {@link Market#events}).
 *
 * <p>The committee's events ({@link VoteCommitted}, {@link VoteRevealed}, {@link
 * ChallengeResolved}, {@link MemberPenalized}) are indexed on chain by challenge id only; their
 * {@code jobId} and {@code index} are the challenged assignment's, taken from the challenge's
 * record ({@link ChallengeOpened}, else {@link Market#challengeOf}), so every event here belongs to
 * one job.
 */
public sealed interface MarketEvent {

  /** The job the event belongs to. */
  BigInteger jobId();

  /** An event of a challenge, with the challenged assignment's job and index. */
  sealed interface OfChallenge extends MarketEvent {
    BigInteger challengeId();

    /** The challenged assignment's index in its job. */
    int index();
  }

  record JobPosted(BigInteger jobId, String requester, JobSpec spec, BigInteger escrow)
      implements MarketEvent {
    public JobPosted {
      requester = requester.toLowerCase(Locale.ROOT);
    }
  }

  record JobCancelled(BigInteger jobId, BigInteger refund) implements MarketEvent {}

  record JobAssigned(BigInteger jobId, int assignments, BigInteger cost, BigInteger refund)
      implements MarketEvent {}

  record AssignmentCreated(Assignment assignment) implements MarketEvent {
    @Override
    public BigInteger jobId() {
      return assignment.jobId();
    }
  }

  record ResultCommitted(
      BigInteger jobId, int index, String provider, Bytes32 resultRoot, long challengeDeadline)
      implements MarketEvent {
    public ResultCommitted {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }

  record AssignmentFinalized(BigInteger jobId, int index, String provider, BigInteger payment)
      implements MarketEvent {
    public AssignmentFinalized {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }

  record AssignmentReclaimed(
      BigInteger jobId, int index, String provider, BigInteger refund, BigInteger slashed)
      implements MarketEvent {
    public AssignmentReclaimed {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }

  record LeafDemanded(
      BigInteger jobId, int index, String demander, int shard, long responseDeadline)
      implements MarketEvent {
    public LeafDemanded {
      demander = demander.toLowerCase(Locale.ROOT);
    }
  }

  record LeafAnswered(
      BigInteger jobId,
      int index,
      int shard,
      Bytes32 inputLeaf,
      Bytes32 outputHash,
      long challengeDeadline)
      implements MarketEvent {}

  record LeafWithheld(
      BigInteger jobId,
      int index,
      String provider,
      int shard,
      BigInteger refund,
      BigInteger slashed)
      implements MarketEvent {
    public LeafWithheld {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A challenge of one shard was opened and its committee drawn.
   *
   * @param members the committee, lower-case addresses in draw order
   * @param commitDeadline members commit votes until this time (unix seconds, inclusive)
   * @param revealDeadline members reveal after the commit deadline until this time (inclusive)
   */
  record ChallengeOpened(
      BigInteger challengeId,
      BigInteger jobId,
      int index,
      String challenger,
      int shard,
      Bytes32 inputLeaf,
      Bytes32 outputHash,
      List<String> members,
      long commitDeadline,
      long revealDeadline)
      implements OfChallenge {
    public ChallengeOpened {
      challenger = challenger.toLowerCase(Locale.ROOT);
      members = members.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
    }
  }

  record VoteCommitted(BigInteger challengeId, BigInteger jobId, int index, String member)
      implements OfChallenge {
    public VoteCommitted {
      member = member.toLowerCase(Locale.ROOT);
    }
  }

  /** A member revealed its vote; {@code upheld} means it found the provider wrong. */
  record VoteRevealed(
      BigInteger challengeId, BigInteger jobId, int index, String member, boolean upheld)
      implements OfChallenge {
    public VoteRevealed {
      member = member.toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The challenge was decided. {@code pool} is what the losers forfeited (collateral or bond, plus
   * the penalties of members who did not reveal), shared by the winning party and voters.
   */
  record ChallengeResolved(
      BigInteger challengeId,
      BigInteger jobId,
      int index,
      Challenge.Verdict verdict,
      int upheld,
      int rejected,
      int revealed,
      BigInteger pool)
      implements OfChallenge {}

  /** A member that did not reveal lost its locked penalty at resolution. */
  record MemberPenalized(
      BigInteger challengeId, BigInteger jobId, int index, String member, BigInteger penalty)
      implements OfChallenge {
    public MemberPenalized {
      member = member.toLowerCase(Locale.ROOT);
    }
  }
}
