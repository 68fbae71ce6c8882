package io.hyphae.node.inference;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What a provider signs for each shard it ran: the fields of the EIP-712 struct {@code
 * ShardReceipt(uint256 jobId,uint32 shard,bytes32 inputLeaf,bytes32 outputHash,bytes32
 * profileHash,address provider)}. The signing itself lives with the contracts' EIP-712 code.
 *
 * @param provider the provider's address, {@code 0x} and 40 hex digits
 */
public record ShardReceipt(
    BigInteger jobId,
    long shard,
    Bytes32 inputLeaf,
    Bytes32 outputHash,
    Bytes32 profileHash,
    String provider) {

  public ShardReceipt {
    if (jobId.signum() < 0 || jobId.bitLength() > 256) {
      throw new IllegalArgumentException("jobId must be a uint256");
    }
    if (shard < 0 || shard > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("shard must be a uint32");
    }
    if (!provider.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("provider must be an address: 0x and 40 hex digits");
    }
    provider = provider.toLowerCase(Locale.ROOT);
  }

  /** The receipt for a shard this node ran. */
  public static ShardReceipt of(
      BigInteger jobId, ShardRequest request, ShardResult result, String provider) {
    Bytes32 inputLeaf = inputLeaf(request.shardIndex(), request.input());
    return new ShardReceipt(
        jobId,
        request.shardIndex(),
        inputLeaf,
        result.outputHash(),
        request.profile().hash(),
        provider);
  }

  /** The shard's input leaf, as committed in the job's input root. */
  public static Bytes32 inputLeaf(long shardIndex, ShardInput input) {
    return ShardLeaves.inputLeaf(shardIndex, ShardLeaves.inputHash(input));
  }

  /** The result leaf this receipt stands for in the provider's committed root. */
  public Bytes32 resultLeaf() {
    return ShardLeaves.resultLeaf(shard, inputLeaf, outputHash);
  }

  /** The provider address as 20 bytes. */
  public byte[] providerBytes() {
    return HexFormat.of().parseHex(provider.substring(2));
  }
}
