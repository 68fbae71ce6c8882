package io.hyphae.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A model's manifest ({@code manifest.json} in a model directory), format 1. File names are
 * relative to the manifest and may not leave its directory.
 *
 * @param name a display name; models are identified by hash, not by name
 * @param task {@code embed} or {@code tensor}
 * @param onnxFile the ONNX model file
 * @param tokenizerFile the Hugging Face {@code tokenizer.json} (embed only)
 * @param output the ONNX output holding the token vectors (embed only)
 * @param pooling {@code mean} or {@code cls} (embed only)
 * @param normalize whether vectors are L2-normalised (embed only)
 * @param maxTokens the longest token sequence, special tokens included (embed only)
 */
public record ModelManifest(
    String name,
    ModelTask task,
    String onnxFile,
    Optional<String> tokenizerFile,
    String output,
    Pooling pooling,
    boolean normalize,
    int maxTokens) {

  public static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of(
          "format",
          "name",
          "task",
          "onnx",
          "tokenizer",
          "output",
          "pooling",
          "normalize",
          "maxTokens");

  /** Parses and validates manifest bytes; {@code where} names the file in messages. */
  public static ModelManifest parse(byte[] bytes, String where) throws ModelException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw invalid(where, "is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid(where, "must be a JSON object");
    }
    for (var it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw invalid(where, "has an unknown field '" + field + "' (known: " + FIELDS + ")");
      }
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw invalid(where, "must say \"format\": " + FORMAT);
    }
    String name = text(root, "name", where);
    String taskName = text(root, "task", where);
    ModelTask task =
        switch (taskName) {
          case "embed" -> ModelTask.EMBED;
          case "tensor" -> ModelTask.TENSOR;
          default -> throw invalid(where, "task must be \"embed\" or \"tensor\", not " + taskName);
        };
    String onnx = fileName(root, "onnx", where);
    if (task == ModelTask.TENSOR) {
      return new ModelManifest(name, task, onnx, Optional.empty(), "", Pooling.MEAN, false, 0);
    }
    String tokenizer = fileName(root, "tokenizer", where);
    String output = root.has("output") ? text(root, "output", where) : "last_hidden_state";
    String poolingName = root.has("pooling") ? text(root, "pooling", where) : "mean";
    Pooling pooling =
        switch (poolingName.toLowerCase(Locale.ROOT)) {
          case "mean" -> Pooling.MEAN;
          case "cls" -> Pooling.CLS;
          default -> throw invalid(where, "pooling must be \"mean\" or \"cls\"");
        };
    JsonNode normalize = root.path("normalize");
    if (!normalize.isMissingNode() && !normalize.isBoolean()) {
      throw invalid(where, "normalize must be true or false");
    }
    JsonNode maxTokens = root.path("maxTokens");
    if (!maxTokens.isInt() || maxTokens.asInt() < 2 || maxTokens.asInt() > 8192) {
      throw invalid(where, "maxTokens must be an integer from 2 to 8192");
    }
    return new ModelManifest(
        name,
        task,
        onnx,
        Optional.of(tokenizer),
        output,
        pooling,
        normalize.asBoolean(true),
        maxTokens.asInt());
  }

  private static String text(JsonNode root, String field, String where) throws ModelException {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw invalid(where, "needs a non-empty string \"" + field + "\"");
    }
    return node.asText();
  }

  private static String fileName(JsonNode root, String field, String where) throws ModelException {
    String name = text(root, field, where);
    if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
      throw invalid(where, "\"" + field + "\" must be a plain file name beside the manifest");
    }
    return name;
  }

  private static ModelException invalid(String where, String problem) {
    return new ModelException(ModelException.Reason.INVALID_MANIFEST, where + " " + problem);
  }
}
