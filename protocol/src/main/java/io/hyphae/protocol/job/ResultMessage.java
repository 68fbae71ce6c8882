package io.hyphae.protocol.job;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.proto.JobProto;
import java.math.BigInteger;
import java.util.Locale;

/**
 * One shard's result as it travels on {@code /hyphae/shard-result/1.0.0}: the canonical output
 * bytes and the fields of the provider's EIP-712 {@code ShardReceipt} with its signature. Decoding
 * checks what needs no chain: field sizes and that {@code outputHash} is keccak256 of the output.
 * The receiver checks the rest (signature, assignment, input leaf, profile).
 */
public record ResultMessage(
    BigInteger jobId,
    int shard,
    byte[] output,
    Bytes32 inputLeaf,
    Bytes32 outputHash,
    Bytes32 profileHash,
    String provider,
    byte[] receiptSignature) {

  public ResultMessage {
    provider = provider.toLowerCase(Locale.ROOT);
    output = output.clone();
    receiptSignature = receiptSignature.clone();
    if (shard < 0) {
      throw new IllegalArgumentException("shard must be positive");
    }
  }

  @Override
  public byte[] output() {
    return output.clone();
  }

  @Override
  public byte[] receiptSignature() {
    return receiptSignature.clone();
  }

  /** The leaf this result stands for in the provider's committed root. */
  public Bytes32 resultLeaf() {
    return ShardLeaves.resultLeaf(shard, inputLeaf, outputHash);
  }

  public JobProto.ShardResult toProto() {
    return JobProto.ShardResult.newBuilder()
        .setJobId(WireValues.uint256(jobId))
        .setShard(shard)
        .setOutput(ByteString.copyFrom(output))
        .setInputLeaf(WireValues.bytes32(inputLeaf))
        .setOutputHash(WireValues.bytes32(outputHash))
        .setProfileHash(WireValues.bytes32(profileHash))
        .setProvider(WireValues.address(provider))
        .setReceiptSignature(ByteString.copyFrom(receiptSignature))
        .build();
  }

  /**
   * @throws WireValues.WireFormatException naming the first malformed field, or when output_hash is
   *     not keccak256 of output
   */
  public static ResultMessage fromProto(JobProto.ShardResult p) {
    if (p.getShard() < 0) {
      throw new WireValues.WireFormatException("shard too large");
    }
    byte[] output = p.getOutput().toByteArray();
    Bytes32 outputHash = WireValues.bytes32(p.getOutputHash(), "output_hash");
    if (!Keccak256.hash(output).equals(outputHash)) {
      throw new WireValues.WireFormatException("output_hash is not keccak256 of output");
    }
    return new ResultMessage(
        WireValues.uint256(p.getJobId(), "job_id"),
        p.getShard(),
        output,
        WireValues.bytes32(p.getInputLeaf(), "input_leaf"),
        outputHash,
        WireValues.bytes32(p.getProfileHash(), "profile_hash"),
        WireValues.address(p.getProvider(), "provider"),
        WireValues.signature(p.getReceiptSignature(), "receipt_signature"));
  }
}
