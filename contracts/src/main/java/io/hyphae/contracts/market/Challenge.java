package io.hyphae.contracts.market;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;

/**
 * A challenge as the market records it ({@link Market#challengeOf}): the challenged shard of one
 * assignment, the committee drawn for it, its deadlines and its tally so far.
 *
 * @param challengeId the challenge's id (1, 2, ... in opening order)
 * @param jobId the job of the challenged assignment
 * @param index the challenged assignment's index in its job
 * @param challenger who opened it (and deposited the bond)
 * @param shard the challenged shard
 * @param commitDeadline members commit their votes until this time (unix seconds, inclusive)
 * @param revealDeadline members reveal after the commit deadline until this time (inclusive)
 * @param bond the challenger's deposit
 * @param upheld revealed votes saying the provider was wrong
 * @param rejected revealed votes saying the provider was right
 * @param revealed votes revealed
 * @param resolved whether {@code resolve} has decided it
 * @param members the committee, lower-case addresses in draw order
 */
public record Challenge(
    BigInteger challengeId,
    BigInteger jobId,
    int index,
    String challenger,
    int shard,
    long commitDeadline,
    long revealDeadline,
    BigInteger bond,
    int upheld,
    int rejected,
    int revealed,
    boolean resolved,
    List<String> members) {

  /** A resolved challenge's outcome, numbered as the contract numbers it. */
  public enum Verdict {
    /** No quorum (at most half the committee revealed) or a tie: the bond goes back. */
    VOID,
    /** The provider was wrong: its collateral is slashed, the requester refunded. */
    UPHELD,
    /** The provider was right: the challenger's bond goes to the provider and the voters. */
    REJECTED;

    static Verdict ofCode(int code) {
      if (code < 0 || code >= values().length) {
        throw new IllegalArgumentException("not a verdict code: " + code);
      }
      return values()[code];
    }
  }

  public Challenge {
    challenger = challenger.toLowerCase(Locale.ROOT);
    members = members.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
  }

  /** Whether {@code account} sits on the committee. */
  public boolean isMember(String account) {
    return members.contains(account.toLowerCase(Locale.ROOT));
  }
}
