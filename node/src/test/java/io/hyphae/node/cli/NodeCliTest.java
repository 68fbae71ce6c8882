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
