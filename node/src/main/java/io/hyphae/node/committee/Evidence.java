package io.hyphae.node.committee;

import io.hyphae.node.journal.CommitteeDuty;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;

/**
 * A challenger's evidence that passed the checks: the challenged shard's input (canonical bytes,
 * decoded) and the provider's output bytes, proven against the challenge's input leaf and output
 * hash.
 */
record Evidence(ShardInput input, byte[] output) {

  /** Why evidence was refused: the wire code and a message for people. */
  record Refused(Code code, String message) {}

  /** The outcome of {@link #check}: evidence, or why not. */
  sealed interface Checked {}

  record Valid(Evidence evidence) implements Checked {}

  record Invalid(Refused refused) implements Checked {}

  /**
   * Checks evidence sent by account {@code sender} (empty when the peer has no secp256k1 key) for
   * {@code duty}: only the challenger may send it; {@code hashInputLeaf(shard, keccak256(input))}
   * must be the challenge's input leaf and {@code keccak256(output)} its output hash; the input
   * must be a canonical shard input.
   */
  static Checked check(CommitteeDuty duty, String sender, byte[] input, byte[] output) {
    if (sender == null || !sender.equals(duty.challenger())) {
      return invalid(
          Code.FORBIDDEN,
          "only the challenger "
              + duty.challenger()
              + " sends evidence for challenge "
              + duty.challengeId()
              + ", not "
              + (sender == null ? "a peer without an Ethereum account" : sender));
    }
    Bytes32 leaf = ShardLeaves.inputLeaf(duty.shard(), Keccak256.hash(input));
    if (!leaf.equals(duty.inputLeaf())) {
      return invalid(
          Code.INVALID,
          "the input's leaf "
              + leaf
              + " is not the challenged shard's input leaf "
              + duty.inputLeaf());
    }
    Bytes32 outputHash = Keccak256.hash(output);
    if (!outputHash.equals(duty.outputHash())) {
      return invalid(
          Code.INVALID,
          "keccak256 of the output is "
              + outputHash
              + ", not the challenged output hash "
              + duty.outputHash());
    }
    try {
      return new Valid(new Evidence(ShardCodec.decodeInput(input), output.clone()));
    } catch (CommitmentFormatException e) {
      return invalid(Code.INVALID, "the input is not a canonical shard input: " + e.getMessage());
    }
  }

  private static Checked invalid(Code code, String message) {
    return new Invalid(new Refused(code, message));
  }
}
