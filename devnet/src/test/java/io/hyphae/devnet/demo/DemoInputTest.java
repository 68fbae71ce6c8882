package io.hyphae.devnet.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoInputTest {

  @Test
  void sentencesAreDistinctVariedAndTheSameEveryRun() {
    List<String> rows = DemoInput.sentences(1000);
    assertThat(rows).hasSize(1000).doesNotHaveDuplicates().isEqualTo(DemoInput.sentences(1000));
    assertThat(rows.stream().mapToInt(String::length).distinct().count()).isGreaterThan(20);
    assertThat(rows).allSatisfy(row -> assertThat(row).endsWith("."));
  }

  @Test
  void writesOneJsonObjectWithATextFieldPerLine(@TempDir Path dir) throws Exception {
    Path file = DemoInput.write(dir.resolve("in.jsonl"), 25);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(25);
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < lines.size(); i++) {
      assertThat(json.readTree(lines.get(i)).path("text").asText())
          .isEqualTo(DemoInput.sentences(25).get(i));
    }
  }

  @Test
  void refusesImpossibleRowCounts() {
    assertThatThrownBy(() -> DemoInput.sentences(0)).hasMessageContaining("rows must be 1..");
    assertThatThrownBy(() -> DemoInput.sentences(1_000_000))
        .hasMessageContaining("rows must be 1..17280");
  }
}
