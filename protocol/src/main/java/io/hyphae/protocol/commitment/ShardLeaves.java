package io.hyphae.protocol.commitment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leaves a job commits to, fixed across node, wallet and contracts. Leaves are hashed twice, as
 * OpenZeppelin recommends, so that no 64-byte inner node can pass for a leaf.
 *
 * <ul>
 *   <li>input leaf of shard i: {@code keccak256(keccak256(abi.encode(uint256 i, bytes32
 *       inputHash)))}, inputHash = keccak256(canonical shard input bytes);
 *   <li>result leaf: {@code keccak256(keccak256(abi.encode(uint256 shardIndex, bytes32 inputLeaf,
 *       bytes32 outputHash)))}, outputHash = keccak256(canonical shard output bytes).
 * </ul>
 */
public final class ShardLeaves {

  public static Bytes32 inputLeaf(long shardIndex, Bytes32 inputHash) {
    byte[] encoded = new byte[64];
    putUint256(encoded, 0, shardIndex);
    inputHash.copyTo(encoded, 32);
    return doubleHash(encoded);
  }

  public static Bytes32 resultLeaf(long shardIndex, Bytes32 inputLeaf, Bytes32 outputHash) {
    byte[] encoded = new byte[96];
    putUint256(encoded, 0, shardIndex);
    inputLeaf.copyTo(encoded, 32);
    outputHash.copyTo(encoded, 64);
    return doubleHash(encoded);
  }

  /** keccak256 of the canonical bytes of a shard input. */
  public static Bytes32 inputHash(ShardInput input) {
    return Keccak256.hash(ShardCodec.encodeInput(input));
  }

  /** keccak256 of the canonical bytes of a shard output. */
  public static Bytes32 outputHash(ShardOutput output) {
    return Keccak256.hash(ShardCodec.encodeOutput(output));
  }

  /** The job's input tree: the input leaves of shards 0..n-1 in order. */
  public static MerkleTree inputTree(List<ShardInput> shards) {
    List<Bytes32> leaves = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      leaves.add(inputLeaf(i, inputHash(shards.get(i))));
    }
    return MerkleTree.of(leaves);
  }

  /**
   * An assignment's committed tree: the result leaves of its shards in ascending shard order,
   * whatever order they were produced in.
   */
  public static MerkleTree resultTree(Map<Long, Bytes32> resultLeavesByShard) {
    return MerkleTree.of(List.copyOf(new TreeMap<>(resultLeavesByShard).values()));
  }

  private static Bytes32 doubleHash(byte[] encoded) {
    return Keccak256.hash(Keccak256.hash(encoded).toArray());
  }

  /** abi.encode of a non-negative uint256 that fits in a long: 32 bytes big-endian. */
  private static void putUint256(byte[] out, int offset, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("shard index must be non-negative: " + value);
    }
    for (int i = 0; i < 8; i++) {
      out[offset + 31 - i] = (byte) (value >>> (8 * i));
    }
  }

  private ShardLeaves() {}
}
