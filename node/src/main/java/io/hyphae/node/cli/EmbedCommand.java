package io.hyphae.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.InferenceOptions;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.ShardResult;
import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelRegistry;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyphae node embed}: a diagnostic run of one shard of texts read from stdin. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Embeds texts from stdin as one shard and prints one JSON line per row.",
      "Each input line is a JSON string or an object with a \"text\" field."
    })
public final class EmbedCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      description = "Model name or hash (default: ${DEFAULT-VALUE}).",
      defaultValue = ModelRegistry.DEFAULT_MODEL)
  String model;

  @Option(
      names = "--profile",
      description = "Execution profile name or hash (default: ${DEFAULT-VALUE}).",
      defaultValue = "cpu-det-v1")
  String profile;

  @Option(names = "--reject-long", description = "Fail on texts over the model's max tokens.")
  boolean rejectLong;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Where texts come from; tests replace it. */
  java.io.InputStream stdin = System.in;

  @Override
  public Integer call() throws Exception {
    ExecutionProfile executionProfile =
        ExecutionProfile.find(profile)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        spec.commandLine(),
                        "unknown profile '"
                            + profile
                            + "' (known: cpu-det-v1, cpu-fast, cuda-fast)"));
    ObjectMapper mapper = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    String line;
    int lineNumber = 0;
    while ((line = in.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = mapper.readTree(line);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("stdin line " + lineNumber + " is not JSON");
      }
      JsonNode text = node.isObject() ? node.get("text") : node;
      if (text == null || !text.isTextual()) {
        throw new IllegalArgumentException(
            "stdin line " + lineNumber + " must be a JSON string or {\"text\": \"…\"}");
      }
      texts.add(text.asText());
    }
    ModelRegistry registry = new ModelRegistry();
    Model m = registry.resolve(model);
    try (OnnxInferenceEngine engine = new OnnxInferenceEngine(registry, EngineConfig.defaults())) {
      ShardInput input = new ShardInput.Texts(0, texts);
      InferenceOptions options =
          InferenceOptions.DEFAULT.withOverLength(
              rejectLong
                  ? InferenceOptions.OverLength.REJECT
                  : InferenceOptions.OverLength.TRUNCATE);
      ShardResult result;
      try {
        result =
            engine
                .submit(new ShardRequest(m.id(), executionProfile, 0, input, options))
                .result()
                .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw OnnxInferenceEngine.failure(e.getCause());
      }
      PrintWriter out = spec.commandLine().getOut();
      ShardOutput.Embeddings vectors = (ShardOutput.Embeddings) result.output();
      for (int i = 0; i < vectors.rowCount(); i++) {
        ObjectNode row = mapper.createObjectNode();
        row.put("row", i);
        ArrayNode values = row.putArray("embedding");
        for (float v : vectors.rows().get(i)) {
          values.add(v);
        }
        if (result.truncatedRows().contains(i)) {
          row.put("truncated", true);
        }
        out.println(mapper.writeValueAsString(row));
      }
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          "model %s %s, profile %s %s, device %s%ninput hash %s, output hash %s, %d rows in %d ms%n",
          m.name(),
          m.id(),
          executionProfile.name(),
          executionProfile.hash(),
          result.device(),
          ShardLeaves.inputHash(input),
          result.outputHash(),
          vectors.rowCount(),
          result.elapsed().toMillis());
      err.flush();
    }
    return 0;
  }
}
