package io.hyphae.protocol.commitment;

import java.util.ArrayList;
import java.util.List;

/**
 * A Merkle tree over leaves in a fixed order, with OpenZeppelin's commutative pair hash: a parent
 * is {@code keccak256(min(a, b) ++ max(a, b))}. Each level pairs nodes (2i, 2i+1); an odd last node
 * is carried up unchanged; a one-leaf tree's root is the leaf. Because the pair hash is
 * commutative, a proof is just the list of siblings from the leaf up, and {@code
 * MerkleProof.verify(proof, root, leaf)} in OpenZeppelin accepts it.
 */
public final class MerkleTree {
  /** levels.get(0) are the leaves, the last level holds the root alone. */
  private final List<List<Bytes32>> levels;

  private MerkleTree(List<List<Bytes32>> levels) {
    this.levels = levels;
  }

  /** Builds the tree; at least one leaf. */
  public static MerkleTree of(List<Bytes32> leaves) {
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
    }
    List<List<Bytes32>> levels = new ArrayList<>();
    List<Bytes32> level = List.copyOf(leaves);
    levels.add(level);
    while (level.size() > 1) {
      List<Bytes32> next = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size() ? hashPair(level.get(i), level.get(i + 1)) : level.get(i));
      }
      level = List.copyOf(next);
      levels.add(level);
    }
    return new MerkleTree(List.copyOf(levels));
  }

  public Bytes32 root() {
    return levels.getLast().getFirst();
  }

  public int leafCount() {
    return levels.getFirst().size();
  }

  public Bytes32 leaf(int index) {
    return levels.getFirst().get(index);
  }

  /** The siblings of leaf {@code index} from the bottom up (levels with no sibling add none). */
  public List<Bytes32> proof(int index) {
    if (index < 0 || index >= leafCount()) {
      throw new IndexOutOfBoundsException("leaf " + index + " of " + leafCount());
    }
    List<Bytes32> proof = new ArrayList<>();
    int position = index;
    for (int depth = 0; depth < levels.size() - 1; depth++) {
      List<Bytes32> level = levels.get(depth);
      int sibling = position ^ 1;
      if (sibling < level.size()) {
        proof.add(level.get(sibling));
      }
      position /= 2;
    }
    return List.copyOf(proof);
  }

  /** The same computation as OpenZeppelin's {@code MerkleProof.verify}. */
  public static boolean verify(List<Bytes32> proof, Bytes32 root, Bytes32 leaf) {
    Bytes32 computed = leaf;
    for (Bytes32 sibling : proof) {
      computed = hashPair(computed, sibling);
    }
    return computed.equals(root);
  }

  /** OpenZeppelin's {@code Hashes.commutativeKeccak256}. */
  public static Bytes32 hashPair(Bytes32 a, Bytes32 b) {
    byte[] buffer = new byte[64];
    if (a.compareTo(b) < 0) {
      a.copyTo(buffer, 0);
      b.copyTo(buffer, 32);
    } else {
      b.copyTo(buffer, 0);
      a.copyTo(buffer, 32);
    }
    return Keccak256.hash(buffer);
  }
}
