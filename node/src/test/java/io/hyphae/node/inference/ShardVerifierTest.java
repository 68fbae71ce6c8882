package io.hyphae.node.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.node.model.Model;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ShardVerifierTest {
  static Model model;
  static OnnxInferenceEngine engine;
  static ShardVerifier verifier;

  @BeforeAll
  static void load() {
    model = TestModels.minilm();
    engine = new OnnxInferenceEngine(TestModels.registry(), EngineConfig.defaults());
    verifier = new ShardVerifier(engine);
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static Verdict verify(ShardRequest request, byte[] claimed) throws Exception {
    return verifier.verify(request, claimed).get(60, TimeUnit.SECONDS);
  }

  @Test
  void exactProfileMatchesTheHonestOutputAndNamesATamperedRow() throws Exception {
    ShardRequest request =
        new ShardRequest(
            model.id(),
            ExecutionProfile.CPU_DET_V1,
            3,
            new ShardInput.Texts(30, TestModels.SENTENCES),
            InferenceOptions.DEFAULT);
    ShardResult honest = TestModels.await(engine.submit(request));
    byte[] claimed = ShardCodec.encodeOutput(honest.output());
    assertThat(verify(request, claimed)).isInstanceOf(Verdict.Match.class);

    ShardOutput.Embeddings out = (ShardOutput.Embeddings) honest.output();
    List<float[]> rows = new ArrayList<>(out.rows());
    float[] row2 = out.row(2);
    row2[17] = Math.nextUp(row2[17]); // one ulp: invisible to a tolerance, not to a hash
    rows.set(2, row2);
    byte[] tampered = ShardCodec.encodeOutput(new ShardOutput.Embeddings(384, rows));
    assertThat(verify(request, tampered))
        .isInstanceOfSatisfying(Verdict.Mismatch.class, m -> assertThat(m.row()).isEqualTo(2));

    assertThat(verify(request, new byte[] {1, 2, 3})).isInstanceOf(Verdict.Malformed.class);
  }

  @Test
  void toleranceProfileAcceptsSmallDriftButNotAnotherSentence() throws Exception {
    ShardRequest request =
        ShardRequest.of(
            model.id(), ExecutionProfile.CPU_FAST, new ShardInput.Texts(0, TestModels.SENTENCES));
    ShardOutput.Embeddings out =
        (ShardOutput.Embeddings) TestModels.await(engine.submit(request)).output();
    List<float[]> drifted = new ArrayList<>(out.rows());
    float[] row0 = out.row(0);
    row0[5] += 0.01f;
    drifted.set(0, row0);
    assertThat(verify(request, ShardCodec.encodeOutput(new ShardOutput.Embeddings(384, drifted))))
        .isInstanceOf(Verdict.Match.class);

    List<float[]> swapped = new ArrayList<>(out.rows());
    swapped.set(1, out.row(3));
    assertThat(verify(request, ShardCodec.encodeOutput(new ShardOutput.Embeddings(384, swapped))))
        .isInstanceOfSatisfying(Verdict.Mismatch.class, m -> assertThat(m.row()).isEqualTo(1));
  }

  @Test
  void aShardThatCannotRunIsUnverifiableNotAMismatch() throws Exception {
    ShardRequest request =
        ShardRequest.of(
            model.id(), ExecutionProfile.CPU_DET_V1, new ShardInput.Texts(0, List.of("")));
    byte[] claimed =
        ShardCodec.encodeOutput(new ShardOutput.Embeddings(384, List.of(new float[384])));
    assertThat(verify(request, claimed))
        .isInstanceOfSatisfying(
            Verdict.Unverifiable.class,
            u -> assertThat(u.reason()).isEqualTo(InferenceException.Reason.INVALID_INPUT));
  }

  @Test
  void receiptsCarryTheLeavesTheCommittedRootIsBuiltFrom() throws Exception {
    ShardInput input = new ShardInput.Texts(0, TestModels.SENTENCES.subList(0, 2));
    ShardRequest request =
        new ShardRequest(
            model.id(), ExecutionProfile.CPU_DET_V1, 5, input, InferenceOptions.DEFAULT);
    ShardResult result = TestModels.await(engine.submit(request));
    String provider = "0x00000000000000000000000000000000000000AA";
    ShardReceipt receipt = ShardReceipt.of(BigInteger.valueOf(9), request, result, provider);
    assertThat(receipt.inputLeaf())
        .isEqualTo(ShardLeaves.inputLeaf(5, ShardLeaves.inputHash(input)));
    assertThat(receipt.outputHash()).isEqualTo(ShardLeaves.outputHash(result.output()));
    assertThat(receipt.profileHash()).isEqualTo(ExecutionProfile.CPU_DET_V1.hash());
    assertThat(receipt.provider()).endsWith("aa");
    MerkleTree committed = MerkleTree.of(List.of(receipt.resultLeaf()));
    assertThat(committed.root()).isEqualTo(receipt.resultLeaf());
  }
}
