package io.hyphae.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.node.inference.TestModels;
import io.hyphae.protocol.commitment.Bytes32;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
  /** Pinned: a change in the model jars or the manifest changes the model's identity. */
  static final String MINILM_HASH =
      "0xe11d6b8de02a08ad7eb1905e2fb57a48950cd0ab438f232e3a1d1fd58e1f6921";

  @TempDir Path dir;

  private static final String MANIFEST =
      """
      {"format": 1, "name": "mini", "task": "embed", "onnx": "model.onnx",
       "tokenizer": "tokenizer.json", "pooling": "mean", "normalize": true, "maxTokens": 128}
      """;

  private Path writeModelDir(String manifest) throws Exception {
    Model builtIn = TestModels.minilm();
    Files.writeString(dir.resolve("manifest.json"), manifest);
    Files.write(dir.resolve("model.onnx"), builtIn.onnx());
    Files.write(dir.resolve("tokenizer.json"), builtIn.tokenizer().orElseThrow());
    return dir;
  }

  @Test
  void theDefaultModelHasItsPinnedHash() {
    Model model = TestModels.minilm();
    assertThat(model.id().toHex()).isEqualTo(MINILM_HASH);
    assertThat(model.manifest().maxTokens()).isEqualTo(256);
    assertThat(model.onnx()).hasSizeGreaterThan(20_000_000);
  }

  @Test
  void aBuiltInModelLoadsByItsHashAsByItsName() throws Exception {
    ModelRegistry registry = new ModelRegistry();
    Model model = registry.resolve(MINILM_HASH);
    assertThat(model.name()).isEqualTo(ModelRegistry.DEFAULT_MODEL);
    assertThat(registry.resolve(ModelRegistry.DEFAULT_MODEL)).isSameAs(model);
    assertThatThrownBy(() -> registry.resolve("0x" + "00".repeat(32)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("holds no model 0x" + "00".repeat(32));
  }

  @Test
  void aDirectoryModelIsNamedByTheHashOfItsThreeFiles() throws Exception {
    writeModelDir(MANIFEST);
    ModelRegistry registry = new ModelRegistry();
    Model model = registry.loadDirectory(dir);
    byte[] manifest = MANIFEST.getBytes(StandardCharsets.UTF_8);
    assertThat(model.id())
        .isEqualTo(
            ModelHash.of(manifest, TestModels.minilm().onnx(), TestModels.minilm().tokenizer()));
    assertThat(registry.resolve(model.id().toHex())).isSameAs(model);
    assertThat(registry.resolve("mini")).isSameAs(model);
    // One byte more in the manifest is another model.
    Files.writeString(dir.resolve("manifest.json"), MANIFEST + " ");
    assertThat(new ModelRegistry().loadDirectory(dir).id()).isNotEqualTo(model.id());
  }

  @Test
  void missingCorruptAndMismatchedFilesAreClearErrors() throws Exception {
    writeModelDir(MANIFEST);
    Files.delete(dir.resolve("tokenizer.json"));
    assertThatThrownBy(() -> new ModelRegistry().loadDirectory(dir))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> assertThat(e.reason()).isEqualTo(ModelException.Reason.MISSING_FILE))
        .hasMessageContaining("tokenizer.json");

    Files.write(dir.resolve("tokenizer.json"), TestModels.minilm().tokenizer().orElseThrow());
    Files.write(dir.resolve("model.onnx"), "not an onnx model".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> new ModelRegistry().loadDirectory(dir))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> assertThat(e.reason()).isEqualTo(ModelException.Reason.CORRUPT_FILE))
        .hasMessageContaining("model.onnx");

    Files.write(dir.resolve("model.onnx"), TestModels.minilm().onnx());
    Bytes32 other = Bytes32.fromHex("0x" + "ab".repeat(32));
    assertThatThrownBy(() -> new ModelRegistry().loadDirectory(dir, Optional.of(other)))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> assertThat(e.reason()).isEqualTo(ModelException.Reason.HASH_MISMATCH))
        .hasMessageContaining(other.toHex());
  }

  @Test
  void badManifestsNameTheProblem() throws Exception {
    writeModelDir(MANIFEST.replace("\"mean\"", "\"max\""));
    assertThatThrownBy(() -> new ModelRegistry().loadDirectory(dir))
        .hasMessageContaining("pooling must be");
    Files.writeString(dir.resolve("manifest.json"), MANIFEST.replace("model.onnx", "../x.onnx"));
    assertThatThrownBy(() -> new ModelRegistry().loadDirectory(dir))
        .hasMessageContaining("plain file name");
    Files.writeString(
        dir.resolve("manifest.json"), "{\"format\": 1, \"name\": \"x\", \"task\": 3}");
    assertThatThrownBy(() -> new ModelRegistry().loadDirectory(dir))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> assertThat(e.reason()).isEqualTo(ModelException.Reason.INVALID_MANIFEST));
    assertThatThrownBy(() -> new ModelRegistry().resolve("no-such-model"))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> assertThat(e.reason()).isEqualTo(ModelException.Reason.UNKNOWN_MODEL));
  }
}
