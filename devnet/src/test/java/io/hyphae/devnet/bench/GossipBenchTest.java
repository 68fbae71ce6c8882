package io.hyphae.devnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GossipBenchTest {

  private static String run(String... args) {
    GossipBench bench = new GossipBench();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    bench.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int rc = new CommandLine(bench).execute(args);
    assertThat(rc).isZero();
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void smallRunPrintsOneJsonObjectWithBothScenarios() {
    String json = run("--nodes", "10", "--ads", "2", "--spammers", "20", "--json");
    assertThat(json.trim()).startsWith("{\"bench\":\"gossip\"").endsWith("]}");
    assertThat(json).contains("\"scenario\":\"clean\"", "\"scenario\":\"spam\"");
    assertThat(json).contains("\"reachPercent\":100.00");
  }

  @Test
  void rejectsImpossibleOptions() {
    GossipBench bench = new GossipBench();
    CommandLine cli = new CommandLine(bench);
    cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    assertThat(cli.execute("--nodes", "1")).as("usage error").isEqualTo(2);
  }
}
