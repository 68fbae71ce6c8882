package io.hyphae.node.inference;

import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelException;
import io.hyphae.node.model.ModelRegistry;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The built-in models, loaded once per test JVM, and helpers to run shards with a bounded wait. */
public final class TestModels {
  public static final List<String> SENTENCES =
      List.of(
          "A man is eating food.",
          "A man is eating a piece of bread.",
          "The girl is carrying a baby.",
          "A man is riding a horse.",
          "Hyphae sells inference when the hosted API is busy.",
          "Zürich, 東京 and emoji 🍄 in one row.");

  private static ModelRegistry registry;

  public static synchronized ModelRegistry registry() {
    if (registry == null) {
      registry = new ModelRegistry();
    }
    return registry;
  }

  public static Model minilm() {
    try {
      return registry().loadBuiltIn(ModelRegistry.DEFAULT_MODEL);
    } catch (ModelException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Model bge() {
    try {
      return registry().loadBuiltIn("bge-small-en-v1.5-q");
    } catch (ModelException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits at most 60 s for a shard; an InferenceException is rethrown as is. */
  public static ShardResult await(RunningShard shard) throws InferenceException {
    try {
      return shard.result().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw OnnxInferenceEngine.failure(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new UncheckedIOException(new java.io.IOException("shard did not finish in 60 s", e));
    }
  }

  private TestModels() {}
}
