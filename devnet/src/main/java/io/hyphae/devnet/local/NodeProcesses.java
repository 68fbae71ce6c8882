package io.hyphae.devnet.local;

import io.hyphae.contracts.config.DevnetInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting a devnet's provider node and waiting until it is healthy: shared by {@code devnet up}
 * and {@code devnet provider start}, so a restarted node runs exactly as {@code up} started it
 * (same command line, config file, data directory, keystore and ports).
 */
final class NodeProcesses {

  static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String SIMD_MODULE = "jdk.incubator.vector";

  private final Path hyphaeRoot;
  private final DevnetLayout layout;
  private final Map<String, String> environment;
  private final PrintStream out;

  NodeProcesses(
      Path hyphaeRoot, DevnetLayout layout, Map<String, String> environment, PrintStream out) {
    this.hyphaeRoot = hyphaeRoot.toAbsolutePath().normalize();
    this.layout = layout;
    this.environment = Map.copyOf(environment);
    this.out = out;
  }

  /** The node application jar, or a clear error when it is not built. */
  Path nodeJar() {
    Path nodeJar = hyphaeRoot.resolve("node/target/hyphae-node.jar");
    if (!Files.isRegularFile(nodeJar)) {
      throw new DevnetException(
          "the node application is not built ("
              + nodeJar
              + " is missing): run ./hyphae once, or ./mvnw -pl devnet -am -DskipTests package");
    }
    return nodeJar;
  }

  /** Starts provider {@code index}'s node detached with its config file; returns its pid. */
  long start(int index) throws IOException {
    String name = DevnetLayout.providerName(index);
    Path config = layout.nodeConfig(index);
    if (!Files.isRegularFile(config)) {
      throw new DevnetException(
          "no node configuration at " + config + " (was " + name + " part of this devnet?)");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g", "-XX:+UseSerialGC"));
    command.addAll(simdOptions());
    command.addAll(
        List.of(
            "-Dhyphae.root=" + hyphaeRoot,
            "-Dlogback.configurationFile=" + hyphaeRoot.resolve("tools/logback.xml"),
            "-jar",
            nodeJar().toString(),
            "run",
            "--config",
            config.toString()));
    long pid =
        DetachedProcess.start(command, layout.nodeLog(index), layout.providerDir(index), nodeEnv());
    out.printf("Started %s (pid %d), log %s%n", name, pid, layout.nodeLog(index));
    return pid;
  }

  /**
   * The incubating Vector API for the node's SIMD Poly1305 (docs/p2p.md), as {@code ./hyphae node
   * run} gives it: where this JDK has the module and {@code HYPHAE_SIMD} is not {@code 0}. The
   * node's JVM then writes one "Using incubator modules" warning at the top of its log.
   */
  List<String> simdOptions() {
    boolean present = ModuleFinder.ofSystem().find(SIMD_MODULE).isPresent();
    if (!present || "0".equals(environment.get("HYPHAE_SIMD"))) {
      return List.of();
    }
    return List.of("--add-modules", SIMD_MODULE);
  }

  /**
   * The node's environment: ours without {@code HYPHAE_*} variables, which would override the
   * config file the devnet wrote (flags > environment > file), except the log level.
   */
  private Map<String, String> nodeEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    environment.forEach(
        (key, value) -> {
          if (!key.startsWith("HYPHAE_") || key.equals("HYPHAE_LOG_LEVEL")) {
            env.put(key, value);
          }
        });
    return env;
  }

  /** Waits (bounded) until the node answers {@code /healthz} with 200; fails if it exits. */
  void awaitHealthy(DevnetInfo.Provider provider) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(NODE_START);
    ProcessHandle handle = ProcessHandle.of(provider.pid()).orElse(null);
    String last = "no answer yet";
    while (true) {
      if (handle == null || exitsWithin(handle, POLL)) {
        throw new DevnetException(
            provider.name()
                + " exited while starting; the end of "
                + provider.logFile()
                + ":\n"
                + String.join("\n", LogTail.lastLines(Path.of(provider.logFile()), 15)));
      }
      Optional<String> answer = health(http, provider.adminUrl());
      if (answer.isEmpty()) {
        out.printf("  %s healthy (%s/healthz)%n", provider.name(), provider.adminUrl());
        return;
      }
      last = answer.get();
      if (Instant.now().isAfter(deadline)) {
        throw new DevnetException(
            provider.name()
                + " was not healthy within "
                + NODE_START.toSeconds()
                + " s ("
                + last
                + "); the end of "
                + provider.logFile()
                + ":\n"
                + String.join("\n", LogTail.lastLines(Path.of(provider.logFile()), 15)));
      }
    }
  }

  /** Empty when {@code /healthz} answers 200; else what it answered. */
  static Optional<String> health(HttpClient http, String adminUrl) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(adminUrl + "/healthz"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.empty()
          : Optional.of("HTTP " + response.statusCode() + ": " + response.body().strip());
    } catch (IOException e) {
      return Optional.of("unreachable: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /** Waits up to {@code timeout} for the process to exit: the bounded pause between polls. */
  static boolean exitsWithin(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevnetException("interrupted", e);
    }
  }
}
