package io.hyphae.node.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.node.model.Model;
import io.hyphae.protocol.commitment.ShardInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admission bounds, busy answers, cancellation, timeouts and the CUDA fall-back. */
class ExecutorTest {
  static Model model;
  static OnnxInferenceEngine engine;

  @BeforeAll
  static void load() {
    model = TestModels.minilm();
    engine =
        new OnnxInferenceEngine(
            TestModels.registry(), EngineConfig.defaults().withWorkers(1).withMaxPendingShards(1));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static ShardInput manyRows(int n) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add("sentence number " + i + " about fungi and networks of mycelium");
    }
    return new ShardInput.Texts(0, rows);
  }

  private static InferenceException.Reason reasonOf(RunningShard shard) {
    try {
      TestModels.await(shard);
      return null;
    } catch (InferenceException e) {
      return e.reason();
    }
  }

  @Test
  void aFullQueueAnswersBusyAndACancelledShardFreesItsPlace() throws Exception {
    RunningShard big =
        engine.submit(ShardRequest.of(model.id(), ExecutionProfile.CPU_DET_V1, manyRows(2000)));
    RunningShard second =
        engine.submit(ShardRequest.of(model.id(), ExecutionProfile.CPU_DET_V1, manyRows(1)));
    assertThat(second.result()).isCompletedExceptionally();
    assertThat(reasonOf(second)).isEqualTo(InferenceException.Reason.BUSY);

    assertThat(big.cancel()).isTrue();
    assertThat(reasonOf(big)).isEqualTo(InferenceException.Reason.CANCELLED);
    assertThat(big.cancel()).isFalse();
    assertThat(engine.pendingShards()).isZero();

    ShardResult after =
        TestModels.await(
            engine.submit(ShardRequest.of(model.id(), ExecutionProfile.CPU_DET_V1, manyRows(2))));
    assertThat(after.output().rowCount()).isEqualTo(2);
  }

  @Test
  void aBatchedShardOfManyBatchesFitsTheBoundedQueue() throws Exception {
    // One worker, one pending shard: the pool queue holds 3 tasks, the shard has 10 batches.
    ShardResult result =
        TestModels.await(
            engine.submit(ShardRequest.of(model.id(), ExecutionProfile.CPU_FAST, manyRows(300))));
    assertThat(result.output().rowCount()).isEqualTo(300);
  }

  @Test
  void aShardPastItsTimeoutIsStoppedWithATypedError() {
    InferenceOptions options =
        new InferenceOptions(InferenceOptions.OverLength.TRUNCATE, Duration.ofMillis(50));
    RunningShard slow =
        engine.submit(
            new ShardRequest(model.id(), ExecutionProfile.CPU_DET_V1, 0, manyRows(3000), options));
    assertThat(reasonOf(slow)).isEqualTo(InferenceException.Reason.TIMED_OUT);
    assertThat(engine.pendingShards()).isZero();
  }

  @Test
  void closingTheEngineFailsItsPendingShards() {
    OnnxInferenceEngine closing =
        new OnnxInferenceEngine(TestModels.registry(), EngineConfig.defaults().withWorkers(1));
    RunningShard pending =
        closing.submit(ShardRequest.of(model.id(), ExecutionProfile.CPU_DET_V1, manyRows(2000)));
    closing.close();
    assertThat(reasonOf(pending)).isEqualTo(InferenceException.Reason.BUSY);
    assertThat(
            reasonOf(
                closing.submit(
                    ShardRequest.of(model.id(), ExecutionProfile.CPU_DET_V1, manyRows(1)))))
        .isEqualTo(InferenceException.Reason.BUSY);
  }

  @Test
  void theCudaProfileFallsBackToTheCpuWithinItsTolerance() throws Exception {
    assertThat(engine.cudaAvailable()).isFalse(); // the CPU build of ONNX Runtime is on the path
    ShardInput input = new ShardInput.Texts(0, TestModels.SENTENCES);
    ShardResult cuda =
        TestModels.await(
            engine.submit(ShardRequest.of(model.id(), ExecutionProfile.CUDA_FAST, input)));
    assertThat(cuda.device()).startsWith("cpu (fallback");
    ShardResult det =
        TestModels.await(
            engine.submit(ShardRequest.of(model.id(), ExecutionProfile.CPU_DET_V1, input)));
    assertThat(ShardVerifier.compare(ExecutionProfile.CUDA_FAST, cuda.output(), det.output()))
        .isInstanceOf(Verdict.Match.class);
    assertThat(engine.profiles()).contains(ExecutionProfile.CUDA_FAST);
  }
}
