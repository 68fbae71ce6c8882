package io.hyphae.node.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelRegistry;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.commitment.Tensor;
import io.hyphae.protocol.commitment.TensorRow;
import io.hyphae.protocol.commitment.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad rows and tensors fail with a typed error naming them; the tensor task runs any model. */
class InputValidationTest {
  static OnnxInferenceEngine engine;
  static Model minilm;
  static Model tensorModel;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    minilm = TestModels.minilm();
    Files.writeString(
        dir.resolve("manifest.json"),
        "{\"format\": 1, \"name\": \"minilm-tensors\", \"task\": \"tensor\", \"onnx\": \"m.onnx\"}");
    Files.write(dir.resolve("m.onnx"), minilm.onnx());
    ModelRegistry registry = TestModels.registry();
    tensorModel = registry.loadDirectory(dir);
    engine = new OnnxInferenceEngine(registry, EngineConfig.defaults().withWorkers(2));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static InferenceException failure(Bytes32 model, ExecutionProfile p, ShardInput input) {
    return failure(ShardRequest.of(model, p, input));
  }

  private static InferenceException failure(ShardRequest request) {
    return failure(engine.submit(request));
  }

  private static InferenceException failure(RunningShard shard) {
    try {
      TestModels.await(shard);
    } catch (InferenceException e) {
      return e;
    }
    throw new AssertionError("the shard should have failed");
  }

  private static final ExecutionProfile DET = ExecutionProfile.CPU_DET_V1;

  @Test
  void emptyAndBlankRowsAreRejectedByRow() {
    InferenceException e =
        failure(minilm.id(), DET, new ShardInput.Texts(0, List.of("fine", "  ", "x")));
    assertThat(e.reason()).isEqualTo(InferenceException.Reason.INVALID_INPUT);
    assertThat(e.row()).hasValue(1);
    assertThat(failure(minilm.id(), DET, new ShardInput.Texts(0, List.of())).getMessage())
        .contains("empty");
  }

  @Test
  void invalidUtf8AndLoneSurrogatesAreRejected() {
    byte[] bytes = ShardCodec.encodeInput(new ShardInput.Texts(0, List.of("ok", "é")));
    bytes[bytes.length - 1] = (byte) 0x28; // "é" = c3 a9 -> c3 28: invalid UTF-8
    InferenceException e =
        failure(engine.submitEncoded(minilm.id(), DET, 0, bytes, InferenceOptions.DEFAULT));
    assertThat(e.reason()).isEqualTo(InferenceException.Reason.INVALID_INPUT);
    assertThat(e.getMessage()).contains("row 1 is not valid UTF-8");
    InferenceException surrogate =
        failure(minilm.id(), DET, new ShardInput.Texts(0, List.of("a", "b", "bad \uDC00")));
    assertThat(surrogate.row()).hasValue(2);
  }

  @Test
  void overLongTextsAreTruncatedAndReportedOrRejected() throws Exception {
    String longText = "word ".repeat(400);
    ShardInput input = new ShardInput.Texts(0, List.of("short", longText));
    ShardResult result = TestModels.await(engine.submit(ShardRequest.of(minilm.id(), DET, input)));
    assertThat(result.truncatedRows()).containsExactly(1);
    InferenceException e =
        failure(
            new ShardRequest(
                minilm.id(),
                DET,
                0,
                input,
                InferenceOptions.DEFAULT.withOverLength(InferenceOptions.OverLength.REJECT)));
    assertThat(e.row()).hasValue(1);
    assertThat(e.getMessage()).contains("256 tokens");
  }

  @Test
  void unknownProfilesAreUnavailable() {
    ExecutionProfile other =
        new ExecutionProfile(
            "cpu-det-v2",
            ExecutionProfile.Device.CPU,
            1,
            "basic",
            "9.9.9",
            java.util.Optional.empty());
    assertThat(failure(minilm.id(), other, new ShardInput.Texts(0, List.of("a"))).reason())
        .isEqualTo(InferenceException.Reason.PROFILE_UNAVAILABLE);
  }

  @Test
  void unknownModelsAndMismatchedTasksAreTyped() {
    Bytes32 unknown = Bytes32.fromHex("0x" + "11".repeat(32));
    assertThat(failure(unknown, DET, new ShardInput.Texts(0, List.of("a"))).reason())
        .isEqualTo(InferenceException.Reason.MODEL_UNAVAILABLE);
    assertThat(failure(tensorModel.id(), DET, new ShardInput.Texts(0, List.of("a"))).getMessage())
        .contains("takes tensors");
  }

  /** input_ids, attention_mask and token_type_ids for "[CLS] hello world [SEP]". */
  private static List<Tensor> helloWorld() {
    long[] ids = {101, 7592, 2088, 102};
    return List.of(
        longs("input_ids", ids),
        longs("attention_mask", new long[] {1, 1, 1, 1}),
        longs("token_type_ids", new long[] {0, 0, 0, 0}));
  }

  private static Tensor longs(String name, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return new Tensor(name, TensorType.INT64, new long[] {1, values.length}, b.array());
  }

  @Test
  void theTensorTaskGivesTheTokenVectorsTheEmbedTaskPools() throws Exception {
    ShardResult tensors =
        TestModels.await(
            engine.submit(
                ShardRequest.of(
                    tensorModel.id(),
                    DET,
                    new ShardInput.Tensors(0, List.of(new TensorRow(helloWorld()))))));
    Tensor hidden =
        ((ShardOutput.Tensors) tensors.output())
            .rows()
            .get(0)
            .tensor("last_hidden_state")
            .orElseThrow();
    assertThat(hidden.shape()).containsExactly(1, 4, 384);
    float[] pooled = new float[384];
    ByteBuffer values = ByteBuffer.wrap(hidden.data()).order(ByteOrder.LITTLE_ENDIAN);
    double[] acc = new double[384];
    for (int t = 0; t < 4; t++) {
      for (int d = 0; d < 384; d++) {
        acc[d] += values.getFloat();
      }
    }
    double norm = 0;
    for (int d = 0; d < 384; d++) {
      acc[d] /= 4;
      norm += acc[d] * acc[d];
    }
    for (int d = 0; d < 384; d++) {
      pooled[d] = (float) (acc[d] / Math.sqrt(norm));
    }
    ShardResult embedded =
        TestModels.await(
            engine.submit(
                ShardRequest.of(
                    minilm.id(), DET, new ShardInput.Texts(0, List.of("hello world")))));
    assertThat(((ShardOutput.Embeddings) embedded.output()).row(0)).isEqualTo(pooled);
  }

  @Test
  void wrongTensorNamesTypesAndShapesNameTheTensor() {
    List<Tensor> renamed = new ArrayList<>(helloWorld());
    renamed.set(0, longs("input_idz", new long[] {101, 102, 103, 104}));
    InferenceException e = failure(tensorModel.id(), DET, tensorShard(renamed, 1));
    assertThat(e.row()).hasValue(1);
    assertThat(e.getMessage()).contains("no input tensor 'input_idz'");

    List<Tensor> wrongType = new ArrayList<>(helloWorld());
    wrongType.set(0, new Tensor("input_ids", TensorType.INT32, new long[] {1, 4}, new byte[16]));
    assertThat(failure(tensorModel.id(), DET, tensorShard(wrongType, 0)).getMessage())
        .contains("tensor 'input_ids' is INT32");

    List<Tensor> wrongShape = new ArrayList<>(helloWorld());
    wrongShape.set(0, new Tensor("input_ids", TensorType.INT64, new long[] {4}, new byte[32]));
    assertThat(failure(tensorModel.id(), DET, tensorShard(wrongShape, 0)).getMessage())
        .contains("tensor 'input_ids' has shape [4]");

    List<Tensor> missing = new ArrayList<>(helloWorld());
    missing.remove(1);
    assertThat(failure(tensorModel.id(), DET, tensorShard(missing, 0)).getMessage())
        .contains("'attention_mask' is missing");
  }

  private static ShardInput tensorShard(List<Tensor> bad, int badRow) {
    List<TensorRow> rows = new ArrayList<>();
    for (int i = 0; i <= badRow; i++) {
      rows.add(new TensorRow(i == badRow ? bad : helloWorld()));
    }
    return new ShardInput.Tensors(0, rows);
  }
}
