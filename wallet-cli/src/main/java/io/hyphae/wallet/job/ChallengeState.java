package io.hyphae.wallet.job;

import io.hyphae.protocol.commitment.Bytes32;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One challenge as the chain's events tell it: what {@code ChallengeOpened} recorded, the members'
 * committed and revealed votes, and the resolution once there is one. Pure data; addresses are
 * lower-case hex.
 *
 * @param committed members that committed a vote
 * @param revealed members that revealed, with their vote (true: upheld)
 */
public record ChallengeState(
    BigInteger challengeId,
    BigInteger jobId,
    int index,
    String challenger,
    int shard,
    Bytes32 inputLeaf,
    Bytes32 outputHash,
    List<String> members,
    long commitDeadline,
    long revealDeadline,
    Set<String> committed,
    Map<String, Boolean> revealed,
    Optional<Resolution> resolution) {

  /** What {@code ChallengeResolved} said. */
  public record Resolution(
      Verdict verdict, int upheld, int rejected, int revealedCount, BigInteger pool) {}

  public ChallengeState {
    members = List.copyOf(members);
    committed = Set.copyOf(committed);
    revealed = Map.copyOf(revealed);
  }

  public boolean resolved() {
    return resolution.isPresent();
  }

  /**
   * True when anyone may call {@code resolve}: not resolved yet, and every member revealed or the
   * reveal deadline ({@code now} being the later of the wall clock and the chain's time) passed.
   */
  public boolean decidable(long now) {
    return !resolved() && (revealed.size() == members.size() || now > revealDeadline);
  }

  /**
   * What the challenger is credited from the pool on an upheld verdict besides its bond: the pool
   * less the equal shares of the members that voted upheld (half the pool split among them, as the
   * contract's {@code _sharePool} does).
   */
  public BigInteger challengerShare() {
    if (resolution.isEmpty() || resolution.get().verdict() != Verdict.UPHELD) {
      return BigInteger.ZERO;
    }
    BigInteger pool = resolution.get().pool();
    long winners = revealed.values().stream().filter(v -> v).count();
    if (winners == 0) {
      return pool;
    }
    BigInteger each = pool.divide(BigInteger.TWO).divide(BigInteger.valueOf(winners));
    return pool.subtract(each.multiply(BigInteger.valueOf(winners)));
  }
}
