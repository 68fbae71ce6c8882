package io.hyphae.node.committee;

import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.ShardVerifier;
import io.hyphae.node.inference.Verdict;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardOutput;

/**
 * A committee member's vote on a challenged shard: {@code upheld} when the provider's output is
 * wrong, with the reason (for the log and the journal).
 */
record Decision(boolean upheld, String reason) {

  /**
   * Decides from the provider's claimed output and this node's re-run of the same input: for an
   * exact profile, upheld when the output hashes differ; for a tolerant one, upheld when {@link
   * ShardVerifier#compare} finds a row beyond the profile's tolerance or the claimed bytes are not
   * a canonical output.
   */
  static Decision of(ExecutionProfile profile, byte[] claimedOutput, ShardOutput rerun) {
    Bytes32 claimed = Keccak256.hash(claimedOutput);
    if (profile.exact()) {
      Bytes32 mine = Keccak256.hash(ShardCodec.encodeOutput(rerun));
      return claimed.equals(mine)
          ? new Decision(false, "the re-run's output hash equals the provider's: " + mine)
          : new Decision(true, "output hash " + claimed + " claimed, the re-run gives " + mine);
    }
    ShardOutput decoded;
    try {
      decoded = ShardCodec.decodeOutput(claimedOutput);
    } catch (CommitmentFormatException e) {
      return new Decision(true, "the claimed output is not canonical: " + e.getMessage());
    }
    return switch (ShardVerifier.compare(profile, decoded, rerun)) {
      case Verdict.Match m -> new Decision(false, "within " + profile.name() + ": " + m.detail());
      case Verdict.Mismatch m -> new Decision(true, "row " + m.row() + ": " + m.detail());
      case Verdict.Malformed m -> new Decision(true, "malformed claim: " + m.detail());
      case Verdict.Unverifiable u ->
          new Decision(false, "could not compare (" + u.reason() + "): " + u.detail());
    };
  }

  /** No valid evidence before the vote had to be cast: nothing shows the provider wrong. */
  static Decision noEvidence() {
    return new Decision(false, "no valid evidence arrived before the commit deadline");
  }

  /** This node cannot re-run the shard: it has no grounds to find the provider wrong. */
  static Decision cannotRerun(String why) {
    return new Decision(false, "cannot re-run the shard: " + why);
  }
}
