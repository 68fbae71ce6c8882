package io.hyphae.contracts.chain;

import io.hyphae.contracts.generated.JobMarket;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The market's hashing formats, as the contract computes them: job ids, input and result leaves,
 * Merkle roots and proofs (OpenZeppelin's commutative keccak pairs, an odd last node carried up, a
 * one-leaf tree's root is the leaf) and vote commitments. The protocol module produces commitments
 * for nodes; this mirror lets the chain client check and build calls without it.
 */
public final class MarketHashes {

  private MarketHashes() {}

  /** {@code uint256(keccak256(abi.encode(requester, spec)))}. */
  public static BigInteger jobId(String requester, JobMarket.JobSpec spec) {
    String encoded = FunctionEncoder.encodeConstructor(List.of(new Address(requester), spec));
    return Numeric.toBigInt(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
  }

  /** {@code keccak256(bytes.concat(keccak256(abi.encode(uint256 shard, bytes32 inputHash))))}. */
  public static byte[] inputLeaf(long shard, byte[] inputHash) {
    return Hash.sha3(
        Hash.sha3(
            Eip712.concat(
                Eip712.uint(BigInteger.valueOf(shard)), Eip712.word(inputHash, "inputHash"))));
  }

  /** {@code keccak256(bytes.concat(keccak256(abi.encode(shard, inputLeaf, outputHash))))}. */
  public static byte[] resultLeaf(long shard, byte[] inputLeaf, byte[] outputHash) {
    return Hash.sha3(
        Hash.sha3(
            Eip712.concat(
                Eip712.uint(BigInteger.valueOf(shard)),
                Eip712.word(inputLeaf, "inputLeaf"),
                Eip712.word(outputHash, "outputHash"))));
  }

  /** The Merkle root over {@code leaves} in order. */
  public static byte[] merkleRoot(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
    }
    List<byte[]> level = new ArrayList<>(leaves);
    while (level.size() > 1) {
      level = up(level);
    }
    return level.get(0).clone();
  }

  /** The proof of leaf {@code index}: its siblings from the bottom up (none for a carried node). */
  public static List<byte[]> merkleProof(List<byte[]> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IllegalArgumentException("leaf " + index + " of " + leaves.size());
    }
    List<byte[]> proof = new ArrayList<>();
    List<byte[]> level = new ArrayList<>(leaves);
    int i = index;
    while (level.size() > 1) {
      int sibling = i ^ 1;
      if (sibling < level.size()) {
        proof.add(level.get(sibling).clone());
      }
      level = up(level);
      i /= 2;
    }
    return proof;
  }

  /** {@code keccak256(abi.encode(challengeId, member, upheld, salt))}. */
  public static byte[] voteCommitment(
      BigInteger challengeId, String member, boolean upheld, byte[] salt) {
    String encoded =
        FunctionEncoder.encodeConstructor(
            List.of(
                new Uint256(challengeId),
                new Address(member),
                new Bool(upheld),
                new Bytes32(Eip712.word(salt, "salt"))));
    return Hash.sha3(Numeric.hexStringToByteArray(encoded));
  }

  private static List<byte[]> up(List<byte[]> level) {
    List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
    for (int i = 0; i + 1 < level.size(); i += 2) {
      next.add(hashPair(level.get(i), level.get(i + 1)));
    }
    if (level.size() % 2 == 1) {
      next.add(level.get(level.size() - 1));
    }
    return next;
  }

  private static byte[] hashPair(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b) < 0
        ? Hash.sha3(Eip712.concat(a, b))
        : Hash.sha3(Eip712.concat(b, a));
  }
}
