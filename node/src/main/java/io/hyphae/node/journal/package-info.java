/**
 * The job journal: every job the node owes and how far it got, persisted in embedded SQLite (WAL
 * mode, synchronous FULL) so a restarted node resumes its work. States and transitions are those of
 * the job lifecycle ({@link io.hyphae.node.journal.JobState}); the rules are pure functions ({@link
 * io.hyphae.node.journal.JobTransitions}); every change is one transaction on a single named,
 * bounded disk executor. Tests of other parts can use the in-memory fake {@code InMemoryJobJournal}
 * (test sources), held to the same contract tests.
 */
package io.hyphae.node.journal;
