/**
 * Serving on challenge committees: when a {@code ChallengeOpened} event names this node, it takes
 * the challenger's evidence ({@code /hyphae/challenge-evidence/1.0.0}), re-runs the shard, and
 * votes with commit-reveal, journalling its vote and salt first so a restart can still reveal; then
 * resolves the challenge. docs/node.md describes the behaviour.
 */
package io.hyphae.node.committee;
