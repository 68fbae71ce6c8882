package io.hyphae.contracts.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

class MarketHashesTest {

  private static List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(MarketHashes.inputLeaf(i, Hash.sha3(new byte[] {(byte) i})));
    }
    return out;
  }

  private static byte[] pair(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b) < 0
        ? Hash.sha3(Eip712.concat(a, b))
        : Hash.sha3(Eip712.concat(b, a));
  }

  @Test
  void oneLeafTreeRootIsTheLeaf() {
    List<byte[]> one = leaves(1);
    assertThat(MarketHashes.merkleRoot(one)).isEqualTo(one.get(0));
    assertThat(MarketHashes.merkleProof(one, 0)).isEmpty();
  }

  @Test
  void oddLastNodeIsCarriedUp() {
    List<byte[]> l = leaves(3);
    assertThat(MarketHashes.merkleRoot(l)).isEqualTo(pair(pair(l.get(0), l.get(1)), l.get(2)));
    assertThat(MarketHashes.merkleProof(l, 2)).hasSize(1);
  }

  @Test
  void everyProofFoldsToTheRoot() {
    for (int n = 1; n <= 17; n++) {
      List<byte[]> l = leaves(n);
      byte[] root = MarketHashes.merkleRoot(l);
      for (int i = 0; i < n; i++) {
        byte[] node = l.get(i);
        for (byte[] sibling : MarketHashes.merkleProof(l, i)) {
          node = pair(node, sibling);
        }
        assertThat(node).as("leaf %d of %d", i, n).isEqualTo(root);
      }
    }
  }

  @Test
  void leafFormatsAreDoubleHashedAbiEncodings() {
    byte[] inputHash = Hash.sha3(new byte[] {1});
    byte[] expected =
        Hash.sha3(Hash.sha3(Eip712.concat(Eip712.uint(java.math.BigInteger.TWO), inputHash)));
    assertThat(MarketHashes.inputLeaf(2, inputHash)).isEqualTo(expected);
  }

  @Test
  void rejectsEmptyTreesAndWrongSizes() {
    assertThatThrownBy(() -> MarketHashes.merkleRoot(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarketHashes.merkleProof(leaves(2), 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarketHashes.inputLeaf(0, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
