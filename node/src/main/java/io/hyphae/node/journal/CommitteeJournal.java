package io.hyphae.node.journal;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The node's committee duties, durably (see {@link CommitteeDuty}): what a restarted node needs to
 * finish voting. Each call is one transaction; futures fail with a {@link JournalException}.
 */
public interface CommitteeJournal {

  /** Enters or replaces a duty under {@link CommitteeDuty#checkMove}'s rule; returns it. */
  CompletableFuture<CommitteeDuty> saveDuty(CommitteeDuty duty);

  /** The duty for the challenge, if the journal has it. */
  CompletableFuture<Optional<CommitteeDuty>> duty(long chainId, String market, BigInteger id);

  /** Duties not DONE, oldest challenge first, at most {@code limit}. */
  CompletableFuture<List<CommitteeDuty>> openDuties(int limit);

  /**
   * Keeps a duty's accepted evidence (the challenged shard's input and the provider's output) until
   * its vote is journalled, so a node restarted before it voted can still re-run the shard; saving
   * the duty past OPEN drops it. The duty must be in the journal.
   */
  CompletableFuture<Void> saveEvidence(
      long chainId, String market, BigInteger challengeId, byte[] input, byte[] output);

  /** The duty's kept evidence, if any. */
  CompletableFuture<Optional<StoredEvidence>> evidence(
      long chainId, String market, BigInteger challengeId);

  /** Evidence as kept: canonical input bytes and the provider's output bytes. */
  record StoredEvidence(byte[] input, byte[] output) {
    public StoredEvidence {
      input = input.clone();
      output = output.clone();
    }

    @Override
    public byte[] input() {
      return input.clone();
    }

    @Override
    public byte[] output() {
      return output.clone();
    }
  }
}
