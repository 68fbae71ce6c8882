package io.hyphae.wallet.job;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardOutput;

/** One shard's result the requester accepted, with the receipt that binds its provider. */
public record AcceptedResult(
    int assignmentIndex,
    int shard,
    String provider,
    ShardOutput.Embeddings output,
    Bytes32 inputLeaf,
    Bytes32 outputHash,
    Bytes32 resultLeaf,
    byte[] receiptSignature) {

  public AcceptedResult {
    receiptSignature = receiptSignature.clone();
  }

  @Override
  public byte[] receiptSignature() {
    return receiptSignature.clone();
  }
}
