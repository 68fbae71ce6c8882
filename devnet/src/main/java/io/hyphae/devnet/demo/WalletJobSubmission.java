package io.hyphae.devnet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.devnet.local.DevnetException;
import io.hyphae.wallet.WalletMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * Submits the job with the wallet's own command, {@code hyphae job submit --json}, run as a child
 * JVM on this program's class path (the wallet's {@code main} ends with {@code System.exit}, and a
 * child keeps its output apart from the demo's). Its stderr (progress) is passed through as it
 * comes; its stdout is the JSON report.
 */
public final class WalletJobSubmission implements JobSubmission {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REPORT_BYTES = 16 * 1024 * 1024;

  private final Path hyphaeRoot;
  private final PrintStream progress;

  public WalletJobSubmission(Path hyphaeRoot, PrintStream progress) {
    this.hyphaeRoot = hyphaeRoot;
    this.progress = progress;
  }

  @Override
  public Optional<String> unavailable() {
    Optional<Class<?>> job = subcommand(WalletMain.class, "job");
    if (job.isEmpty() || subcommand(job.get(), "submit").isEmpty()) {
      return Optional.of(
          "job submit is not available: this build's wallet (io.hyphae.wallet.WalletMain) has no"
              + " 'job submit' command yet, so the demo cannot submit its job");
    }
    return Optional.empty();
  }

  /** The subcommand class named {@code name} that {@code parent}'s {@code @Command} declares. */
  static Optional<Class<?>> subcommand(Class<?> parent, String name) {
    Command command = parent.getAnnotation(Command.class);
    if (command == null) {
      return Optional.empty();
    }
    return Arrays.stream(command.subcommands())
        .filter(c -> c.getAnnotation(Command.class) != null)
        .filter(c -> c.getAnnotation(Command.class).name().equals(name))
        .<Class<?>>map(c -> c)
        .findFirst();
  }

  /** What the demo pays a shard at most: ten times the devnet's default asking price. */
  static final java.math.BigInteger MAX_PRICE_WEI =
      io.hyphae.devnet.local.DevnetUp.DEFAULT_PRICE_WEI.multiply(java.math.BigInteger.TEN);

  /**
   * The bid window the demo gives the providers: 5 s. The devnet default (1 s) is too short for a
   * node's first quote on a loaded 2-core machine; the window ends as soon as every range is
   * covered, so a quick market pays nothing for it.
   */
  static final int BID_WINDOW_S = 5;

  /** The wallet command line for the request (global options, then {@code job submit}). */
  static List<String> arguments(Request request) {
    return arguments(request, List.of());
  }

  /**
   * The same with more {@code job submit} options after the request's; a {@code --bid-window} among
   * them replaces the demo's (picocli refuses an option given twice).
   */
  static List<String> arguments(Request request, List<String> moreOptions) {
    List<String> arguments = new ArrayList<>(requestArguments(request));
    if (!moreOptions.contains("--bid-window")) {
      arguments.addAll(List.of("--bid-window", Integer.toString(BID_WINDOW_S)));
    }
    arguments.addAll(moreOptions);
    return List.copyOf(arguments);
  }

  private static List<String> requestArguments(Request request) {
    return List.of(
        "--devnet-info",
        request.devnetInfo().toString(),
        "--json",
        "job",
        "submit",
        "--input",
        request.input().toString(),
        "--max-price",
        MAX_PRICE_WEI.toString(),
        "--model",
        request.model(),
        "--profile",
        request.profile(),
        "--shards",
        Integer.toString(request.shards()),
        "--out",
        request.output().toString(),
        "--password-file",
        request.passwordFile().toString());
  }

  @Override
  public Outcome submit(Request request) {
    unavailable()
        .ifPresent(
            why -> {
              throw new DevnetException(why);
            });
    return new Outcome(runWallet(arguments(request), request.timeout(), "job submit"));
  }

  /**
   * Runs the job with more {@code job submit} options after the request's (e.g. {@code --bid-window
   * 1 --no-wait}, for the market benchmark).
   */
  public Outcome submit(Request request, List<String> moreOptions) {
    unavailable()
        .ifPresent(
            why -> {
              throw new DevnetException(why);
            });
    return new Outcome(runWallet(arguments(request, moreOptions), request.timeout(), "job submit"));
  }

  @Override
  public JsonNode market(Path devnetInfo, java.time.Duration timeout) {
    return runWallet(
        List.of("--devnet-info", devnetInfo.toString(), "--json", "market", "--wait", "3"),
        timeout,
        "market");
  }

  /**
   * The JVM options {@code ./hyphae} gives wallet commands ({@code tools/wallet-jvm.args}), so the
   * demo and the bench run {@code job submit} as a user does; the class archive is kept per class
   * path, since the jars of a build and the classes of a test run differ.
   */
  static List<String> walletJvmOptions(Path hyphaeRoot, String classPath) {
    Path args = hyphaeRoot.resolve("tools/wallet-jvm.args");
    if (!java.nio.file.Files.isRegularFile(args)
        || Arrays.stream(classPath.split(java.io.File.pathSeparator))
            .anyMatch(entry -> java.nio.file.Files.isDirectory(Path.of(entry)))) {
      // The JVM cannot write a class archive for a class path with directories (a test's
      // target/classes): it fails at exit. Such a wallet runs with the JVM's defaults.
      return List.of();
    }
    String archive = "hyphae-wallet-" + Integer.toHexString(classPath.hashCode()) + ".jsa";
    return List.of(
        "@" + args,
        "-XX:SharedArchiveFile=" + hyphaeRoot.resolve("devnet/target").resolve(archive));
  }

  /** Runs the wallet in a child JVM and returns the one JSON object it prints ({@code --json}). */
  private JsonNode runWallet(List<String> arguments, java.time.Duration timeout, String what) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(walletJvmOptions(hyphaeRoot, System.getProperty("java.class.path")));
    command.add("-Dhyphae.root=" + hyphaeRoot);
    command.add("-Dlogback.configurationFile=" + hyphaeRoot.resolve("tools/logback.xml"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WalletMain.class.getName());
    command.addAll(arguments);
    Process process;
    try {
      process = new ProcessBuilder(command).directory(hyphaeRoot.toFile()).start();
    } catch (IOException e) {
      throw new DevnetException("cannot start the wallet: " + e.getMessage(), e);
    }
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), stdout));
    Thread stderr = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), progress));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new DevnetException(what + " did not finish within " + timeout.toSeconds() + " s");
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
      stderr.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DevnetException("interrupted while " + what + " ran", e);
    }
    String printed;
    synchronized (stdout) {
      printed = stdout.toString(StandardCharsets.UTF_8);
    }
    if (process.exitValue() != 0) {
      throw new DevnetException(
          what + " failed (exit " + process.exitValue() + "); it printed: " + printed.strip());
    }
    try {
      JsonNode report = JSON.readTree(printed);
      if (report == null || !report.isObject()) {
        throw new DevnetException(what + " --json printed no JSON object: " + printed.strip());
      }
      return report;
    } catch (IOException e) {
      throw new DevnetException(
          what + " --json printed something that is not JSON: " + printed.strip(), e);
    }
  }

  private static void copy(InputStream from, java.io.OutputStream to) {
    byte[] buffer = new byte[8192];
    long total = 0;
    try (from) {
      int n;
      while ((n = from.read(buffer)) >= 0) {
        total += n;
        if (to instanceof ByteArrayOutputStream && total > MAX_REPORT_BYTES) {
          continue; // A report this large is not one; keep draining so the child never blocks.
        }
        synchronized (to) {
          to.write(buffer, 0, n);
          to.flush();
        }
      }
    } catch (IOException e) {
      // The child ended or closed the stream: what was read is what there is.
    }
  }
}
