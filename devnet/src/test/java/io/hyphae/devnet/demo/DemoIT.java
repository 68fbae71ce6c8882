package io.hyphae.devnet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.devnet.local.DetachedProcess;
import io.hyphae.devnet.local.DevnetLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end: a 3-provider devnet, the generated input, the job through the wallet's
 * {@code job submit}, and nothing left running afterwards. While this build's wallet has no {@code
 * job submit}, the demo must say exactly that rather than pretend.
 */
class DemoIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();

  @TempDir Path temp;

  @AfterEach
  void stopEverythingLeft() {
    processesUnder(temp).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void demoRunsTheJobOrSaysClearlyWhyNotAndLeavesNothingRunning() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    DevnetLayout layout = new DevnetLayout(temp.resolve("devnet"));
    WalletJobSubmission wallet = new WalletJobSubmission(ROOT, out);

    Demo.Result result = new Demo(ROOT, layout, System.getenv(), out, wallet).run(freePort());

    String text = printed.toString(StandardCharsets.UTF_8);
    DevnetInfo devnet = result.devnet();
    assertThat(result.startedDevnet()).isTrue();
    assertThat(devnet.providers()).hasSize(Demo.PROVIDERS);
    assertThat(text)
        .contains("provider-3 healthy")
        .contains("Stopping the devnet the demo started");
    List<String> rows = Files.readAllLines(result.input());
    assertThat(rows).hasSize(Demo.ROWS).doesNotHaveDuplicates();

    if (wallet.unavailable().isPresent()) {
      assertThat(result.failure())
          .hasValueSatisfying(why -> assertThat(why).startsWith("job submit is not available"));
      assertThat(result.job()).isEmpty();
    } else {
      assertThat(result.failure()).as(text).isEmpty();
      assertThat(result.job()).isPresent();
      List<String> output = Files.readAllLines(layout.demoOutput());
      assertThat(output).hasSize(Demo.ROWS);
      assertThat(text)
          .contains("The market (./hyphae market): 3 providers advertise")
          .contains("Who served which shards")
          .contains("verification: passed")
          .contains("state: FINALIZED")
          .contains("Balances");
      assertThat(text.lines().filter(l -> l.contains(", Finalized, paid ")))
          .hasSize(Demo.PROVIDERS);
      assertSameAsLocalInference(rows, output);
    }

    assertThat(ProcessHandle.of(devnet.anvilPid()).map(ProcessHandle::isAlive))
        .isNotEqualTo(Optional.of(true));
    for (DevnetInfo.Provider p : devnet.providers()) {
      assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
    }
    assertThat(processesUnder(temp)).isEmpty();
  }

  /**
   * The market's results are the bytes a local run of the same model and profile gives: spot rows
   * from every shard, each run here on its own (cpu-det-v1 gives a row the same bytes in any shard
   * or batch).
   */
  private static void assertSameAsLocalInference(List<String> input, List<String> output)
      throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    io.hyphae.node.model.ModelRegistry registry = new io.hyphae.node.model.ModelRegistry();
    io.hyphae.node.model.Model model =
        registry.loadBuiltIn(io.hyphae.node.model.ModelRegistry.DEFAULT_MODEL);
    List<Integer> spots = List.of(0, 166, 167, 500, 833, 999);
    List<String> texts = new java.util.ArrayList<>();
    for (int row : spots) {
      texts.add(json.readTree(input.get(row)).path("text").asText());
    }
    try (io.hyphae.node.inference.OnnxInferenceEngine engine =
        new io.hyphae.node.inference.OnnxInferenceEngine(
            registry, io.hyphae.node.inference.EngineConfig.defaults())) {
      io.hyphae.node.inference.ShardResult local =
          engine
              .submit(
                  io.hyphae.node.inference.ShardRequest.of(
                      model.id(),
                      io.hyphae.node.inference.ExecutionProfile.CPU_DET_V1,
                      new io.hyphae.protocol.commitment.ShardInput.Texts(0, texts)))
              .result()
              .get(120, java.util.concurrent.TimeUnit.SECONDS);
      var embeddings = (io.hyphae.protocol.commitment.ShardOutput.Embeddings) local.output();
      for (int i = 0; i < spots.size(); i++) {
        var line = json.readTree(output.get(spots.get(i)));
        assertThat(line.path("row").asInt()).isEqualTo(spots.get(i));
        float[] remote = new float[line.path("embedding").size()];
        for (int d = 0; d < remote.length; d++) {
          remote[d] = (float) line.path("embedding").get(d).asDouble();
        }
        assertThat(remote).as("row " + spots.get(i)).containsExactly(embeddings.row(i));
      }
    }
  }

  private static List<ProcessHandle> processesUnder(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(
            h -> DetachedProcess.commandLine(h).map(c -> c.contains(dir.toString())).orElse(false))
        .toList();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }
}
