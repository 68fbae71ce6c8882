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
}
