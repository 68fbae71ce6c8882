package io.hyphae.node.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.keys.KdfStrength;
import io.hyphae.contracts.keys.KeystoreDirectory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyphae node run} as a real process: it serves, and SIGTERM stops it in order. */
class NodeRunIT {

  private static final Pattern ADMIN = Pattern.compile("admin: (http://127\\.0\\.0\\.1:\\d+)");

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

  @TempDir Path dir;

  @Test
  void runsUntilSigtermThenStopsInOrder() throws Exception {
    Path keystore =
        new KeystoreDirectory(dir.resolve("ks"))
            .importKey(NodeRunnerTest.KEY, "pw", KdfStrength.LIGHT)
            .file();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "-Dlogback.configurationFile=" + ROOT.resolve("tools/logback.xml"),
            // The packaged application, as users run it (the test class path, with the test
            // dependencies' native libraries on it, crashed the child JVM with SIGSEGV).
            "-jar",
            Path.of("target", "hyphae-node.jar").toAbsolutePath().toString(),
            "run",
            "--data-dir",
            dir.resolve("data").toString(),
            "--keystore",
            keystore.toString(),
            "--admin-port",
            "0",
            "--p2p-port",
            "0",
            "--log-level",
            "WARN");
    builder.environment().put("HYPHAE_PASSWORD", "pw");
    builder.redirectError(dir.resolve("stderr.txt").toFile());
    Process node = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(node::destroyForcibly));
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String admin = null;
      String line;
      while (admin == null && (line = out.readLine()) != null) {
        output.add(line);
        Matcher m = ADMIN.matcher(line);
        if (m.find()) {
          admin = m.group(1);
        }
      }
      assertThat(admin)
          .as(
              () ->
                  String.join("\n", output)
                      + " alive="
                      + node.isAlive()
                      + (node.isAlive() ? "" : " exit=" + node.exitValue())
                      + " "
                      + readQuietly(dir.resolve("stderr.txt")))
          .isNotNull();
      assertThat(output.get(0)).isEqualTo("node " + NodeRunnerTest.ADDRESS + " running");

      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create(admin + "/healthz"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).isEqualTo("ok\n");
      }

      // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
      node.toHandle().destroy();
      // Keep reading until the process closes its output: it ends when the process does.
      while ((line = out.readLine()) != null) {
        output.add(line);
      }
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      node.destroyForcibly();
    }
    assertThat(output)
        .contains(
            "stopping: admin HTTP server, then market discovery, then libp2p host, then inference engine, then job"
                + " journal")
        .endsWith("stopped");
    assertThat(node.exitValue()).isEqualTo(143); // 128 + SIGTERM, as for any signalled JVM
    assertThat(Files.exists(dir.resolve("data/journal.db"))).isTrue();
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
