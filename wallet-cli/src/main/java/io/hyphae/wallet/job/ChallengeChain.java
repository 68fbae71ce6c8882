package io.hyphae.wallet.job;

import io.hyphae.contracts.market.Assignment;
import io.hyphae.protocol.commitment.Bytes32;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/** The market's challenge calls and events, as the requester needs them. */
public interface ChallengeChain {

  /** The bond a challenge must send. */
  BigInteger bond();

  /**
   * Challenges one shard of a committed assignment (the record as the chain holds it) with the
   * receipt's leaf and its Merkle proof against the committed root; returns the opened challenge.
   */
  ChallengeState open(
      Assignment committed, int shard, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof);

  /** Every challenge of the job, oldest first, with its votes and resolution. */
  List<ChallengeState> ofJob(BigInteger jobId);

  /** One challenge, when it exists. */
  Optional<ChallengeState> state(BigInteger challengeId);

  /**
   * Decides a challenge ({@code challenged} is the assignment as recorded, status Challenged).
   *
   * @return false when someone else resolved it first
   */
  boolean resolve(BigInteger challengeId, Assignment challenged);
}
