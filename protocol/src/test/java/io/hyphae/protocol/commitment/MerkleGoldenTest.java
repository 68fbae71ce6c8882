package io.hyphae.protocol.commitment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leaves and roots checked against values computed independently with Foundry's {@code cast}
 * ({@code cast keccak}, {@code cast abi-encode}) by {@code golden-merkle.sh} in this package's test
 * resources: the input hash of shard i is {@code keccak256("shard-i")}; pairs are hashed sorted, as
 * OpenZeppelin's {@code Hashes.commutativeKeccak256}.
 */
class MerkleGoldenTest {

  private static final String[] INPUT_LEAVES = {
    "0x0e2e6d224631a15a41c49f68716e6c5830b20f64b39d75f40537a23f5a06255d",
    "0x840291dc6ec1fdc8f429b198c9164bc935d462307f3ca4ba1a4eb72532056792",
    "0x9eab7be687b3a46cd9558bd6a94fca8378bbf8e658477666951d5ce83ba46465",
    "0x42fcc628c8be184b56867ca8abb82d3b46f8ded6613a9522d24c37ebd67cb8a0",
    "0xacbf514cc5fe970accbd451c192485be68825740da872f30254f2fe7b2b1dad0",
  };

  private static List<Bytes32> leaves(int n) {
    List<Bytes32> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Bytes32 inputHash = Keccak256.hash(("shard-" + i).getBytes(StandardCharsets.UTF_8));
      leaves.add(ShardLeaves.inputLeaf(i, inputHash));
    }
    return leaves;
  }

  @Test
  void keccakMatchesEthereum() {
    assertThat(Keccak256.hash(new byte[0]).toHex())
        .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(Keccak256.hash("shard-0".getBytes(StandardCharsets.UTF_8)).toHex())
        .isEqualTo("0x69b61b80a3dbd8692398f5bb43e25c637c3a6dd1709d200a5924f0c173d2acdd");
  }

  @Test
  void inputLeavesMatchCast() {
    List<Bytes32> leaves = leaves(5);
    for (int i = 0; i < 5; i++) {
      assertThat(leaves.get(i).toHex()).as("leaf %d", i).isEqualTo(INPUT_LEAVES[i]);
    }
  }

  @Test
  void resultLeafMatchesCast() {
    Bytes32 outputHash = Keccak256.hash("out-3".getBytes(StandardCharsets.UTF_8));
    assertThat(ShardLeaves.resultLeaf(3, leaves(4).get(3), outputHash).toHex())
        .isEqualTo("0xaeeb6f7582fae82026712c30c573757524dc8f1db392bfbcf2549bc8a61e318c");
  }

  @Test
  void rootsMatchCast() {
    assertThat(MerkleTree.of(leaves(1)).root().toHex()).isEqualTo(INPUT_LEAVES[0]);
    assertThat(MerkleTree.of(leaves(2)).root().toHex())
        .isEqualTo("0xec3d4eb53491415e182d9015a3508039561c147d428fa92e37587215aa5b38f5");
    assertThat(MerkleTree.of(leaves(3)).root().toHex())
        .isEqualTo("0xf0dfc539a022243b27a264e1bfd831c33dfba7abd975133734547284e7b09a6f");
    assertThat(MerkleTree.of(leaves(5)).root().toHex())
        .isEqualTo("0x0856072a1d6dce70ba339f5d3a7394002ff754b01545a23d388fe319f3f82079");
  }

  @Test
  void proofOfTheCarriedUpLeafHasOneSibling() {
    // Leaf 4 of 5 is carried up twice, then paired with p0123 (cast: p0123 below).
    MerkleTree tree = MerkleTree.of(leaves(5));
    assertThat(tree.proof(4))
        .containsExactly(
            Bytes32.fromHex("0xbad82944f4acd23f51168a078205758a634a442379b4c1be08d872d962c174cb"));
    assertThat(tree.proof(3))
        .containsExactly(
            Bytes32.fromHex(INPUT_LEAVES[2]),
            Bytes32.fromHex("0xec3d4eb53491415e182d9015a3508039561c147d428fa92e37587215aa5b38f5"),
            Bytes32.fromHex(INPUT_LEAVES[4]));
  }

  @Test
  void inputRootOverCanonicalShardBytesMatchesCast() {
    List<ShardInput> shards =
        List.of(
            new ShardInput.Texts(5, List.of("hi", "\u00e9")),
            new ShardInput.Texts(7, List.of("ok")));
    assertThat(ShardLeaves.inputHash(shards.get(0)).toHex())
        .isEqualTo("0x1727adb132eb805f27cc8d1bd5e1877cd5d3dde6bacfbcd598a669cc4619f681");
    assertThat(ShardLeaves.inputTree(shards).root().toHex())
        .isEqualTo("0x24e2795ff018852b48c3b42e201d578f229f65f2882cae4ac1c8577928a6b296");
  }

  @Test
  void theCommittedTreeOrdersResultLeavesByShard() {
    List<Bytes32> leaves = leaves(5);
    java.util.Map<Long, Bytes32> byShard = new java.util.HashMap<>();
    for (int i = 4; i >= 0; i--) {
      byShard.put((long) i, leaves.get(i));
    }
    assertThat(ShardLeaves.resultTree(byShard).root().toHex())
        .isEqualTo("0x0856072a1d6dce70ba339f5d3a7394002ff754b01545a23d388fe319f3f82079");
  }
}
