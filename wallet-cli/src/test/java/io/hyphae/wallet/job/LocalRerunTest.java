package io.hyphae.wallet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.protocol.commitment.Bytes32;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRerunTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Bytes32 HASH = Bytes32.fromHex("0x" + "ab".repeat(32));

  /** A line as {@code node embed} prints it (Jackson, from floats). */
  private static String line(int row, float[] values) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("row", row);
    ArrayNode array = node.putArray("embedding");
    for (float v : values) {
      array.add(v);
    }
    return JSON.writeValueAsString(node);
  }

  @Test
  void readsBackEveryFloatBitForBit() throws IOException {
    Random random = new Random(7);
    float[] a = new float[384];
    for (int i = 0; i < a.length; i++) {
      a[i] = Float.intBitsToFloat(random.nextInt()) % 1f; // any bits, finite
      if (!Float.isFinite(a[i])) {
        a[i] = 0.1f;
      }
    }
    float[] b = {
      Float.MIN_VALUE, -Float.MIN_NORMAL, 1.0E-7f, 0.1f, -0.0f, 16777217f, 3.4028235E38f
    };
    List<float[]> read = LocalRerun.parse(line(0, a) + "\n" + line(1, b) + "\n", 2);
    for (int i = 0; i < a.length; i++) {
      assertThat(Float.floatToRawIntBits(read.get(0)[i])).isEqualTo(Float.floatToRawIntBits(a[i]));
    }
    for (int i = 0; i < b.length; i++) {
      assertThat(Float.floatToRawIntBits(read.get(1)[i])).isEqualTo(Float.floatToRawIntBits(b[i]));
    }
  }

  @Test
  void rowsOutOfOrderOrMissingAreErrors() throws IOException {
    float[] v = {1f};
    assertThatThrownBy(() -> LocalRerun.parse(line(1, v) + "\n", 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unexpected line");
    assertThatThrownBy(() -> LocalRerun.parse(line(0, v) + "\n", 2))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("1 rows for 2");
  }

  @Test
  void theProgramsOwnMessageExplainsAFailure(@TempDir Path dir) throws Exception {
    Path program = dir.resolve("hyphae");
    Files.writeString(
        program,
        "#!/bin/sh\ncat > /dev/null\necho 'WARNING: noise' >&2\necho 'error: unknown model' >&2\nexit 1\n");
    assertThat(program.toFile().setExecutable(true)).isTrue();
    LocalRerun local = LocalRerun.nextTo(dir).orElseThrow();
    assertThatThrownBy(() -> local.embed(HASH, HASH, List.of("a", "b")))
        .isInstanceOf(IOException.class)
        .hasMessage("node embed exited with 1: error: unknown model");
  }

  @Test
  void passesTheHashesAndOneJsonTextPerLine(@TempDir Path dir) throws Exception {
    // Echoes its arguments and stdin back as the rows' first values, so both can be checked.
    Path program = dir.resolve("hyphae");
    Files.writeString(
        program,
        "#!/bin/sh\n"
            + "[ \"$1 $2 $3 $5\" = \"node embed --model --profile\" ] || exit 3\n"
            + "[ \"$4\" = \""
            + HASH.toHex()
            + "\" ] || exit 4\n"
            + "n=0; while IFS= read -r l; do\n"
            + "  [ \"$l\" = '\"a \\\"quoted\\\" text\"' ] || [ \"$l\" = '\"b\"' ] || exit 5\n"
            + "  echo \"{\\\"row\\\":$n,\\\"embedding\\\":[$n.5]}\"; n=$((n+1)); done\n");
    assertThat(program.toFile().setExecutable(true)).isTrue();
    List<float[]> out =
        LocalRerun.nextTo(dir).orElseThrow().embed(HASH, HASH, List.of("a \"quoted\" text", "b"));
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).containsExactly(0.5f);
    assertThat(out.get(1)).containsExactly(1.5f);
  }

  @Test
  void noLauncherNoLocalReRun(@TempDir Path dir) {
    assertThat(LocalRerun.nextTo(dir)).isEmpty();
  }
}
