package io.hyphae.wallet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputRowsTest {

  @TempDir Path dir;

  private static AcceptedResult result(int shard, float... values) {
    return new AcceptedResult(
        0,
        shard,
        "0x00000000000000000000000000000000000000aa",
        new ShardOutput.Embeddings(2, List.of(values)),
        Bytes32.ZERO,
        Bytes32.ZERO,
        Bytes32.ZERO,
        new byte[65]);
  }

  @Test
  void writesOneLinePerRowInInputOrder() throws Exception {
    List<ShardInput> shards =
        List.of(new ShardInput.Texts(0, List.of("a")), new ShardInput.Texts(1, List.of("b")));
    Path out = dir.resolve("out.jsonl");
    OutputRows.write(out, shards, Map.of(1, result(1, 3f, 4f), 0, result(0, 1f, 0.5f)));
    assertThat(Files.readAllLines(out))
        .containsExactly(
            "{\"row\":0,\"shard\":0,\"provider\":\"0x00000000000000000000000000000000000000aa\",\"embedding\":[1.0,0.5]}",
            "{\"row\":1,\"shard\":1,\"provider\":\"0x00000000000000000000000000000000000000aa\",\"embedding\":[3.0,4.0]}");
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Files.writeString(out, "old\n");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    out,
                    o -> {
                      o.write("half".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .hasMessageContaining("disk full");
    assertThat(Files.readString(out)).isEqualTo("old\n");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void refusesToWriteWhenAShardHasNoResult() {
    List<ShardInput> shards =
        List.of(new ShardInput.Texts(0, List.of("a")), new ShardInput.Texts(1, List.of("b")));
    Path out = dir.resolve("out.jsonl");
    assertThatThrownBy(() -> OutputRows.write(out, shards, Map.of(0, result(0, 1f, 0f))))
        .hasMessageContaining("shard 1 has no result");
    assertThat(out).doesNotExist();
  }

  @Test
  void spotChecksCompareExactlyOrByCosine() {
    float[] a = {1f, 2f, 3f};
    float[] b = {1f, 2f, 3.0001f};
    assertThat(SpotCheck.mismatch(a, a.clone(), true)).isEmpty();
    assertThat(SpotCheck.mismatch(a, b, true))
        .hasValueSatisfying(s -> assertThat(s).contains("value 2"));
    assertThat(SpotCheck.mismatch(a, b, false)).isEmpty();
    assertThat(SpotCheck.mismatch(a, new float[] {3f, 2f, 1f}, false))
        .hasValueSatisfying(s -> assertThat(s).contains("cosine"));
    assertThat(SpotCheck.sample(10, 3, new java.util.Random(1)))
        .hasSize(3)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(SpotCheck.sample(2, 5, new java.util.Random(1))).containsExactly(0, 1);
  }
}
