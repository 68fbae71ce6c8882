package io.hyphae.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.ShardVerifier;
import io.hyphae.node.inference.Verdict;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardOutput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-only wrong output: canonical, and wrong even for a tolerant profile. */
class WrongOutputsTest {

  @Test
  void wrongEmbeddingsAreCanonicalAndBeyondEveryTolerance() throws Exception {
    ShardOutput right =
        new ShardOutput.Embeddings(
            3, List.of(new float[] {0.6f, 0.8f, 0f}, new float[] {0f, 0.6f, 0.8f}));
    ShardOutput wrong = WrongOutputs.perturb(right);

    assertThat(ShardCodec.decodeOutput(ShardCodec.encodeOutput(wrong))).isEqualTo(wrong);
    assertThat(wrong.rowCount()).isEqualTo(2);
    for (ExecutionProfile profile : ExecutionProfile.KNOWN) {
      assertThat(ShardVerifier.compare(profile, wrong, right))
          .as(profile.name())
          .isInstanceOf(Verdict.Mismatch.class);
    }
    // The input is left as it was.
    assertThat(((ShardOutput.Embeddings) right).row(0)).containsExactly(0.6f, 0.8f, 0f);
  }
}
