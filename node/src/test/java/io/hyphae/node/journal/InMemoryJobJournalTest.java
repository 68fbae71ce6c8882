package io.hyphae.node.journal;

import java.time.Clock;

/** The in-memory fake keeps the journal's contract. */
class InMemoryJobJournalTest extends JobJournalContract {
  @Override
  JobJournal open(Clock clock) {
    return new InMemoryJobJournal(clock);
  }
}
