package io.hyphae.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.node.NodeMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NodeCliTest {

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new NodeMain());
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute(args)).isZero();
    return out.toString();
  }

  @Test
  void embedPrintsOneJsonLinePerRowAndRejectsEmptyRows() throws Exception {
    EmbedCommand command = new EmbedCommand();
    command.stdin =
        new java.io.ByteArrayInputStream(
            "\"hello world\"\n{\"text\": \"A man is eating food.\"}\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("--profile", "cpu-det-v1")).isZero();
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode row = new ObjectMapper().readTree(lines[1]);
    assertThat(row.get("row").asInt()).isEqualTo(1);
    assertThat(row.get("embedding")).hasSize(384);
    // The same two rows as DeterminismTest's recorded shard.
    assertThat(err.toString())
        .contains("0x32e3a96fe43e4a165b948e8f410de4263a1013c2f1934e55b4fe610a822f3ef3");

    EmbedCommand empty = new EmbedCommand();
    empty.stdin =
        new java.io.ByteArrayInputStream(
            "\"\"\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    CommandLine failing = new CommandLine(empty);
    failing.setErr(new PrintWriter(new StringWriter()));
    failing.setExecutionExceptionHandler((e, c, p) -> 1);
    assertThat(failing.execute()).isEqualTo(1);
  }

  @Test
  void hardwareJsonIsOneObject() throws Exception {
    JsonNode json = new ObjectMapper().readTree(run("hardware", "--json"));
    assertThat(json.get("cpuCores").asInt()).isPositive();
    assertThat(json.get("gpus").isArray()).isTrue();
  }

  @Test
  void modelsListsTheBuiltInsWithHashesAndTheProfiles() throws Exception {
    JsonNode json = new ObjectMapper().readTree(run("models", "--json"));
    assertThat(json.get("models")).hasSize(2);
    assertThat(json.get("models").get(0).get("name").asText()).isEqualTo("all-MiniLM-L6-v2-q");
    assertThat(json.get("models").get(0).get("hash").asText()).matches("0x[0-9a-f]{64}");
    assertThat(json.get("profiles").findValuesAsText("name"))
        .containsExactly("cpu-det-v1", "cpu-fast", "cuda-fast");
  }
}
