package io.hyphae.protocol.commitment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

  private static List<Bytes32> randomLeaves(int n, long seed) {
    Random random = new Random(seed);
    List<Bytes32> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[32];
      random.nextBytes(b);
      leaves.add(Bytes32.wrap(b));
    }
    return leaves;
  }

  @Test
  void everyProofVerifiesForTreesOfOneToThirtyThreeLeaves() {
    for (int n = 1; n <= 33; n++) {
      MerkleTree tree = MerkleTree.of(randomLeaves(n, n));
      for (int i = 0; i < n; i++) {
        assertThat(MerkleTree.verify(tree.proof(i), tree.root(), tree.leaf(i)))
            .as("leaf %d of %d", i, n)
            .isTrue();
      }
    }
  }

  @Test
  void aProofDoesNotVerifyAnotherLeafOrATamperedSibling() {
    MerkleTree tree = MerkleTree.of(randomLeaves(7, 42));
    assertThat(MerkleTree.verify(tree.proof(2), tree.root(), tree.leaf(3))).isFalse();
    List<Bytes32> tampered = new ArrayList<>(tree.proof(2));
    byte[] first = tampered.getFirst().toArray();
    first[31] ^= 1;
    tampered.set(0, Bytes32.wrap(first));
    assertThat(MerkleTree.verify(tampered, tree.root(), tree.leaf(2))).isFalse();
  }

  @Test
  void leafOrderChangesTheRoot() {
    List<Bytes32> leaves = randomLeaves(4, 7);
    List<Bytes32> swapped = new ArrayList<>(leaves);
    swapped.set(1, leaves.get(2));
    swapped.set(2, leaves.get(1));
    assertThat(MerkleTree.of(swapped).root()).isNotEqualTo(MerkleTree.of(leaves).root());
  }

  @Test
  void rejectsAnEmptyTreeAndOutOfRangeProofs() {
    assertThatThrownBy(() -> MerkleTree.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    MerkleTree tree = MerkleTree.of(randomLeaves(3, 1));
    assertThatThrownBy(() -> tree.proof(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
