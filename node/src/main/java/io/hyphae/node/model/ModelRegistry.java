package io.hyphae.node.model;

import io.hyphae.protocol.commitment.Bytes32;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models this node holds, by content hash. Built-in models load on first use from the model
 * jars on the class path; user models from a directory holding {@code manifest.json}, the ONNX file
 * and the tokenizer. Thread-safe; at most {@link #MAX_MODELS} models.
 */
public final class ModelRegistry {
  public static final String DEFAULT_MODEL = "all-MiniLM-L6-v2-q";
  public static final String MANIFEST_FILE = "manifest.json";
  public static final int MAX_MODELS = 32;

  /** Built-in model names and the class-path folder of their manifests. */
  private static final List<String> BUILT_IN = List.of(DEFAULT_MODEL, "bge-small-en-v1.5-q");

  private static final String BUILT_IN_MANIFESTS = "io/hyphae/node/model/builtin/";

  private final Map<Bytes32, Model> models = new LinkedHashMap<>();

  /** The names of the built-in models, the default first. */
  public static List<String> builtInNames() {
    return BUILT_IN;
  }

  /** Loads a built-in model by name (reads and hashes its files: about a second). */
  public synchronized Model loadBuiltIn(String name) throws ModelException {
    for (Model model : models.values()) {
      if (model.source().equals("built-in") && model.name().equals(name)) {
        return model;
      }
    }
    if (!BUILT_IN.contains(name)) {
      throw new ModelException(
          ModelException.Reason.UNKNOWN_MODEL,
          "no built-in model '" + name + "' (built in: " + BUILT_IN + ")");
    }
    String manifestPath = BUILT_IN_MANIFESTS + name + ".json";
    byte[] manifestBytes = resource(manifestPath);
    ModelManifest manifest = ModelManifest.parse(manifestBytes, manifestPath);
    byte[] onnx = resource(manifest.onnxFile());
    Optional<byte[]> tokenizer =
        manifest.tokenizerFile().isPresent()
            ? Optional.of(resource(manifest.tokenizerFile().get()))
            : Optional.empty();
    Model model =
        new Model(
            ModelHash.of(manifestBytes, onnx, tokenizer), manifest, onnx, tokenizer, "built-in");
    return add(model);
  }

  /** Loads the model in {@code directory}. */
  public Model loadDirectory(Path directory) throws ModelException {
    return loadDirectory(directory, Optional.empty());
  }

  /**
   * Loads the model in {@code directory}, checking the files against {@code expected} (the hash a
   * job names) when given. The ONNX file is opened once to catch corruption now, not mid-job.
   */
  public Model loadDirectory(Path directory, Optional<Bytes32> expected) throws ModelException {
    Path manifestPath = directory.resolve(MANIFEST_FILE);
    byte[] manifestBytes = file(manifestPath);
    ModelManifest manifest = ModelManifest.parse(manifestBytes, manifestPath.toString());
    Path onnxPath = directory.resolve(manifest.onnxFile());
    byte[] onnx = file(onnxPath);
    Optional<byte[]> tokenizer = Optional.empty();
    if (manifest.tokenizerFile().isPresent()) {
      Path tokenizerPath = directory.resolve(manifest.tokenizerFile().get());
      tokenizer = Optional.of(file(tokenizerPath));
      checkTokenizerJson(tokenizer.get(), tokenizerPath);
    }
    Bytes32 id = ModelHash.of(manifestBytes, onnx, tokenizer);
    if (expected.isPresent() && !expected.get().equals(id)) {
      throw new ModelException(
          ModelException.Reason.HASH_MISMATCH,
          "the files in "
              + directory
              + " hash to "
              + id
              + ", not the expected "
              + expected.get()
              + ": a file was changed or belongs to another model");
    }
    synchronized (this) {
      Model known = models.get(id);
      if (known != null) {
        return known;
      }
    }
    OnnxSignature signature = OnnxSignature.read(onnx, onnxPath.toString());
    if (manifest.task() == ModelTask.EMBED) {
      for (String input : List.of("input_ids", "attention_mask")) {
        if (!signature.inputs().containsKey(input)) {
          throw new ModelException(
              ModelException.Reason.INVALID_MANIFEST,
              onnxPath
                  + " has no input '"
                  + input
                  + "' an embed model needs; its inputs are "
                  + signature.inputs().keySet()
                  + " (use task \"tensor\")");
        }
      }
      if (!signature.outputs().containsKey(manifest.output())) {
        throw new ModelException(
            ModelException.Reason.INVALID_MANIFEST,
            onnxPath
                + " has no output '"
                + manifest.output()
                + "'; its outputs are "
                + signature.outputs().keySet());
      }
    }
    return add(new Model(id, manifest, onnx, tokenizer, directory.toString()));
  }

  public synchronized Optional<Model> get(Bytes32 id) {
    return Optional.ofNullable(models.get(id));
  }

  /** The model with this hash, or a clear error. */
  public Model require(Bytes32 id) throws ModelException {
    return get(id)
        .orElseThrow(
            () ->
                new ModelException(
                    ModelException.Reason.UNKNOWN_MODEL,
                    "this node holds no model " + id + " (see: hyphae node models)"));
  }

  /**
   * A model by hash ({@code 0x…}) or by name; a built-in loads on first use, by its name or by its
   * hash (as the wallet names a model).
   */
  public Model resolve(String nameOrHash) throws ModelException {
    if (nameOrHash.startsWith("0x")) {
      Bytes32 id;
      try {
        id = Bytes32.fromHex(nameOrHash);
      } catch (IllegalArgumentException e) {
        throw new ModelException(
            ModelException.Reason.UNKNOWN_MODEL, "'" + nameOrHash + "' is not a model hash");
      }
      Optional<Model> held = get(id);
      if (held.isPresent()) {
        return held.get();
      }
      for (String name : BUILT_IN) {
        if (loadBuiltIn(name).id().equals(id)) {
          return get(id).orElseThrow();
        }
      }
      return require(id);
    }
    synchronized (this) {
      for (Model model : models.values()) {
        if (model.name().equals(nameOrHash)) {
          return model;
        }
      }
    }
    return loadBuiltIn(nameOrHash);
  }

  public synchronized List<Model> models() {
    return List.copyOf(new ArrayList<>(models.values()));
  }

  private synchronized Model add(Model model) throws ModelException {
    Model known = models.get(model.id());
    if (known != null) {
      return known;
    }
    if (models.size() >= MAX_MODELS) {
      throw new ModelException(
          ModelException.Reason.REGISTRY_FULL, "this node holds " + MAX_MODELS + " models already");
    }
    models.put(model.id(), model);
    return model;
  }

  private static void checkTokenizerJson(byte[] bytes, Path path) throws ModelException {
    try {
      var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
      if (root == null || !root.isObject() || !root.has("model")) {
        throw new ModelException(
            ModelException.Reason.CORRUPT_FILE,
            path + " is not a Hugging Face tokenizer.json (no \"model\" object)");
      }
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Reason.CORRUPT_FILE, path + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static byte[] file(Path path) throws ModelException {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ModelException(ModelException.Reason.MISSING_FILE, "missing model file " + path);
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Reason.MISSING_FILE, "cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static byte[] resource(String name) throws ModelException {
    try (InputStream in = ModelRegistry.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new ModelException(
            ModelException.Reason.MISSING_FILE,
            "the class path lacks " + name + " (the langchain4j model jars are missing)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ModelException(
          ModelException.Reason.MISSING_FILE, "cannot read " + name + ": " + e.getMessage(), e);
    }
  }
}
