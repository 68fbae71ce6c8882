package io.hyphae.devnet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.ShardResult;
import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelRegistry;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Checks a job's output against the same model and profile run here, in the test's JVM. */
public final class LocalInference {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalInference() {}

  /**
   * The market's rows at {@code spots} are the bytes a local run of the default model with
   * cpu-det-v1 gives: each spot row is run here on its own (cpu-det-v1 gives a row the same bytes
   * in any shard or batch).
   *
   * @param input the job's input lines ({@code {"text": ...}})
   * @param output the job's output lines ({@code {"row", "shard", "provider", "embedding"}})
   */
  public static void assertSameAsLocalInference(
      List<String> input, List<String> output, List<Integer> spots) throws Exception {
    ModelRegistry registry = new ModelRegistry();
    Model model = registry.loadBuiltIn(ModelRegistry.DEFAULT_MODEL);
    List<String> texts = new ArrayList<>();
    for (int row : spots) {
      texts.add(JSON.readTree(input.get(row)).path("text").asText());
    }
    try (OnnxInferenceEngine engine = new OnnxInferenceEngine(registry, EngineConfig.defaults())) {
      ShardResult local =
          engine
              .submit(
                  ShardRequest.of(
                      model.id(), ExecutionProfile.CPU_DET_V1, new ShardInput.Texts(0, texts)))
              .result()
              .get(120, TimeUnit.SECONDS);
      var embeddings = (ShardOutput.Embeddings) local.output();
      for (int i = 0; i < spots.size(); i++) {
        JsonNode line = JSON.readTree(output.get(spots.get(i)));
        assertThat(line.path("row").asInt()).isEqualTo(spots.get(i));
        float[] remote = new float[line.path("embedding").size()];
        for (int d = 0; d < remote.length; d++) {
          remote[d] = (float) line.path("embedding").get(d).asDouble();
        }
        assertThat(remote).as("row " + spots.get(i)).containsExactly(embeddings.row(i));
      }
    }
  }
}
