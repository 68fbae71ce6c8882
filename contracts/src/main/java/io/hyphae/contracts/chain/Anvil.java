package io.hyphae.contracts.chain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local anvil chain run as a child process from the pinned {@code @foundry-rs/anvil} npm package.
 * It listens on 127.0.0.1 on a port the OS picks, read from anvil's own output. The process is
 * stopped by {@link #close()} or, should the JVM exit first, by a shutdown hook: a child anvil
 * otherwise outlives the JVM.
 */
public final class Anvil implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("Listening on ([0-9.]+):(\\d+)");
  private static final int OUTPUT_TAIL_LINES = 20;
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Process process;
  private final String rpcUrl;
  private final Thread shutdownHook;

  private Anvil(Process process, String rpcUrl) {
    this.process = process;
    this.rpcUrl = rpcUrl;
    this.shutdownHook = new Thread(this::stopProcess, "anvil-shutdown-" + process.pid());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The anvil binary inside the contracts module's pinned npm packages. */
  public static Path binary(Path hyphaeRoot) {
    String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch");
    String platform =
        (os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux")
            + "-"
            + (arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64");
    return hyphaeRoot.resolve(
        "contracts/node_modules/@foundry-rs/anvil-" + platform + "/bin/anvil");
  }

  /**
   * Starts anvil and waits until it listens.
   *
   * @param extraArgs arguments after {@code --host 127.0.0.1 --port 0}, e.g. {@code --state DIR}
   */
  public static Anvil start(Path binary, List<String> extraArgs, Duration startTimeout)
      throws IOException {
    if (!Files.isExecutable(binary)) {
      throw new IOException(
          "anvil not found at "
              + binary
              + ": build once with ./mvnw -DskipTests package (it installs the pinned npm tools)");
    }
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--host", "127.0.0.1"));
    command.addAll(List.of("--port", "0", "--hardfork", "prague"));
    command.addAll(extraArgs);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> listening = new CompletableFuture<>();
    Deque<String> tail = new ArrayDeque<>();
    Thread.ofVirtual()
        .name("anvil-output-" + process.pid())
        .start(() -> drain(process, listening, tail));
    try {
      String url = listening.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Anvil(process, url);
    } catch (TimeoutException | ExecutionException e) {
      destroy(process);
      String output;
      synchronized (tail) {
        output = String.join("\n", tail);
      }
      throw new IOException(
          "anvil did not start within " + startTimeout.toMillis() + " ms; its output:\n" + output,
          e);
    } catch (InterruptedException e) {
      destroy(process);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting anvil", e);
    }
  }

  /** Reads anvil's output until it ends, so its pipe never fills; keeps the last lines. */
  private static void drain(
      Process process, CompletableFuture<String> listening, Deque<String> tail) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > OUTPUT_TAIL_LINES) {
            tail.removeFirst();
          }
        }
        Matcher m = LISTENING.matcher(line);
        if (!listening.isDone() && m.find()) {
          listening.complete("http://" + m.group(1) + ":" + m.group(2));
        }
      }
      listening.completeExceptionally(new IOException("anvil exited before listening"));
    } catch (IOException e) {
      listening.completeExceptionally(new UncheckedIOException(e));
    }
  }

  /** Moves the chain's clock forward and mines a block at the new time (anvil only). */
  public static void advanceTime(ChainConnection chain, Duration by) {
    chain.rpc("evm_increaseTime", List.of(by.toSeconds()));
    chain.rpc("evm_mine", List.of());
  }

  public String rpcUrl() {
    return rpcUrl;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops anvil (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run: nothing to remove.
    }
  }

  private void stopProcess() {
    destroy(process);
  }

  private static void destroy(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
