package io.hyphae.devnet.testing;

import io.hyphae.wallet.WalletMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The wallet ({@code hyphae ...}) as a user runs it: its own JVM on the test's class path, so its
 * {@code System.exit} and output stay apart from the test. Stderr is collected line by line as it
 * comes (progress lines end in {@code \r} or {@code \n}) so a test can act on progress; stdout is
 * kept whole. Every wait is bounded; {@link #close} kills the process.
 */
public final class WalletProcess implements AutoCloseable {

  private static final int MAX_KEPT_BYTES = 16 * 1024 * 1024;

  private final Process process;
  private final List<String> stderrLines = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final Thread stdoutReader;
  private final Thread stderrReader;

  private WalletProcess(Process process) {
    this.process = process;
    this.stdoutReader = Thread.ofVirtual().start(this::readStdout);
    this.stderrReader = Thread.ofVirtual().start(this::readStderr);
  }

  /**
   * Starts the wallet with {@code arguments}, without the test's {@code HYPHAE_*} variables, with
   * its job files in {@code jobsDir} ({@code HYPHAE_JOBS_DIR}).
   */
  public static WalletProcess start(Path hyphaeRoot, Path jobsDir, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-Dhyphae.root=" + hyphaeRoot);
    command.add("-Dlogback.configurationFile=" + hyphaeRoot.resolve("tools/logback.xml"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WalletMain.class.getName());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(hyphaeRoot.toFile());
    Map<String, String> env = new HashMap<>();
    System.getenv()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("HYPHAE_")) {
                env.put(k, v);
              }
            });
    env.put("HYPHAE_JOBS_DIR", jobsDir.toString());
    builder.environment().clear();
    builder.environment().putAll(env);
    try {
      return new WalletProcess(builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the wallet: " + e.getMessage(), e);
    }
  }

  /** Runs the wallet to its end (bounded) and returns what it did. */
  public static Result run(
      Path hyphaeRoot, Path jobsDir, Duration timeout, List<String> arguments) {
    try (WalletProcess wallet = start(hyphaeRoot, jobsDir, arguments)) {
      return wallet.awaitExit(timeout);
    }
  }

  /** The wallet's exit code with everything it printed. */
  public record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /**
   * Waits for a stderr line that matches; fails when the wallet exits or the time is up first.
   *
   * @return the first matching line
   */
  public String awaitStderr(Predicate<String> match, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    synchronized (stderrLines) {
      while (true) {
        Optional<String> found = stderrLines.stream().filter(match).findFirst();
        if (found.isPresent()) {
          return found.get();
        }
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0 || (!process.isAlive() && !stderrReader.isAlive())) {
          throw new AssertionError(
              "the wallet printed no matching line "
                  + (left <= 0 ? "within " + timeout.toSeconds() + " s" : "before it exited")
                  + "; it printed:\n"
                  + String.join("\n", stderrLines));
        }
        try {
          stderrLines.wait(Math.min(left, 200));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Waits (bounded) for the wallet to exit; kills it and fails when it does not. */
  public Result awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new AssertionError(
            "the wallet did not exit within "
                + timeout.toSeconds()
                + " s; it printed:\n"
                + stderr());
      }
      stdoutReader.join(Duration.ofSeconds(10));
      stderrReader.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    String out;
    synchronized (stdout) {
      out = stdout.toString(StandardCharsets.UTF_8);
    }
    return new Result(process.exitValue(), out, stderr());
  }

  /** Everything printed on stderr so far, one line each. */
  public String stderr() {
    synchronized (stderrLines) {
      return String.join("\n", stderrLines) + (partial.isEmpty() ? "" : "\n" + partial.toString());
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void readStdout() {
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (stdout) {
          if (stdout.size() + n <= MAX_KEPT_BYTES) {
            stdout.write(buffer, 0, n);
          }
        }
      }
    } catch (IOException e) {
      // The process ended: what was read is what there is.
    }
  }

  private void readStderr() {
    try (Reader in =
        new java.io.InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
      char[] buffer = new char[4096];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (stderrLines) {
          for (int i = 0; i < n; i++) {
            char c = buffer[i];
            if (c == '\n' || c == '\r') {
              if (!partial.isEmpty()) {
                stderrLines.add(partial.toString());
                // Shown in the test's output too, for the report of a failed run.
                System.out.println("wallet> " + partial);
                partial.setLength(0);
              }
            } else if (partial.length() < 64 * 1024) {
              partial.append(c);
            }
          }
          stderrLines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process ended.
    } finally {
      synchronized (stderrLines) {
        if (!partial.isEmpty()) {
          stderrLines.add(partial.toString());
          partial.setLength(0);
        }
        stderrLines.notifyAll();
      }
    }
  }
}
