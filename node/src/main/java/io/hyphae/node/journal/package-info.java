/**
 * The job journal: every job the node owes and how far it got, persisted in embedded SQLite (WAL
 * mode, synchronous FULL) so a restarted node resumes its work. States and transitions are those of
 * the job lifecycle ({@link io.hyphae.node.journal.JobState}); every change is one transaction on a
 * single named, bounded disk executor.
 */
package io.hyphae.node.journal;
