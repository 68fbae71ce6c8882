package io.hyphae.node.inference;

/** The outcome of checking a claimed shard output against a re-run. */
public sealed interface Verdict {

  /** The claim agrees with the re-run (bit for bit, or within the profile's tolerance). */
  record Match(String detail) implements Verdict {}

  /** The claim disagrees; {@code row} is the first disagreeing row within the shard. */
  record Mismatch(int row, String detail) implements Verdict {}

  /** The claimed bytes are not a canonical shard output: a mismatch the claimant caused. */
  record Malformed(String detail) implements Verdict {}

  /** The shard could not be re-run here (no model, busy, invalid input…): no judgement. */
  record Unverifiable(InferenceException.Reason reason, String detail) implements Verdict {}
}
