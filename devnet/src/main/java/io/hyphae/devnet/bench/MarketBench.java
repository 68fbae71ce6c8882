package io.hyphae.devnet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.devnet.cli.Roots;
import io.hyphae.devnet.demo.DemoInput;
import io.hyphae.devnet.demo.JobSubmission;
import io.hyphae.devnet.demo.WalletJobSubmission;
import io.hyphae.devnet.local.DevnetDown;
import io.hyphae.devnet.local.DevnetException;
import io.hyphae.devnet.local.DevnetLayout;
import io.hyphae.devnet.local.DevnetUp;
import io.hyphae.devnet.local.LoopbackPorts;
import io.hyphae.node.config.NodeOption;
import io.hyphae.node.inference.NativeLibraries;
import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hyphae bench market}: the same rows through raw ONNX Runtime and through the market on a
 * devnet of its own (docs/benchmarks.md "Market"). Raw ORT runs first, before the devnet starts, so
 * the two never share the machine; then the devnet comes up in a temporary directory, a small
 * warm-up job runs, the measured job goes through the wallet's {@code job submit}, and the devnet
 * is stopped by pid (also on Ctrl-C).
 */
@Command(
    name = "market",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an embedding job through the market on a devnet of its own (N providers on this"
          + " machine) and the same rows through raw ONNX Runtime; prints rows/s of both, the"
          + " fixed overhead (job submit start -> first shard result) and whether the goals hold.",
      "See docs/benchmarks.md."
    })
public final class MarketBench implements Callable<Integer> {

  /** Rows per shard when {@code --shards} is not given. */
  static final int DEFAULT_ROWS_PER_SHARD = 20;

  /**
   * The nodes' {@code max-concurrent-shards}: their bid capacity in shards (default: the cores),
   * raised so that small shards can be bid for; a node runs a job's shards one after another.
   */
  static final int MAX_CONCURRENT_SHARDS = 1024;

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(60);

  @Option(
      names = "--rows",
      defaultValue = "10000",
      description = "Input rows (default ${DEFAULT-VALUE}; at most 17280).")
  int rows;

  @Option(
      names = "--shards",
      paramLabel = "N",
      description = "Shards (default: one per " + DEFAULT_ROWS_PER_SHARD + " rows).")
  Integer shards;

  @Option(
      names = "--providers",
      defaultValue = "3",
      description = "Provider nodes on the devnet (default ${DEFAULT-VALUE}).")
  int providers;

  @Option(
      names = "--profile",
      defaultValue = "cpu-det-v1",
      description = "Execution profile (default ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--bid-window",
      defaultValue = "1",
      paramLabel = "S",
      description = "job submit's bid window in seconds (default ${DEFAULT-VALUE}).")
  double bidWindow;

  @Option(
      names = "--poll-interval-ms",
      paramLabel = "MS",
      description =
          "The nodes' poll interval of the chain (default: the devnet's, "
              + DevnetUp.NODE_POLL_INTERVAL_MS
              + ").")
  Integer pollIntervalMs;

  @Option(
      names = "--no-warmup",
      description = "Skip the small job that warms the providers up before the measured one.")
  boolean noWarmup;

  @Option(names = "--keep-dir", description = "Keep the devnet's directory (logs) afterwards.")
  boolean keepDir;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Progress (devnet up, job submit's progress): stderr, so that stdout is the result alone. */
  PrintStream progress = System.err;

  /** The options, checked; the shard count resolved. */
  record Plan(
      int rows, int shards, int providers, String profile, long bidWindowMs, int pollIntervalMs) {}

  Plan plan() {
    CommandLine cli = spec.commandLine();
    if (rows < 1 || rows > 17_280) {
      throw new CommandLine.ParameterException(cli, "--rows must be 1..17280, got " + rows);
    }
    if (providers < 1 || providers > DevnetUp.MAX_PROVIDERS) {
      throw new CommandLine.ParameterException(
          cli, "--providers must be 1.." + DevnetUp.MAX_PROVIDERS + ", got " + providers);
    }
    int n = shards != null ? shards : defaultShards(rows, providers);
    if (n < providers || n > rows) {
      throw new CommandLine.ParameterException(
          cli,
          "--shards must be at least --providers (" + providers + ") and at most --rows, got " + n);
    }
    if ((n + providers - 1) / providers > MAX_CONCURRENT_SHARDS / 2) {
      throw new CommandLine.ParameterException(
          cli,
          "--shards " + n + " gives a provider more than " + MAX_CONCURRENT_SHARDS / 2 + " shards");
    }
    if (pollIntervalMs != null && (pollIntervalMs < 10 || pollIntervalMs > 600_000)) {
      throw new CommandLine.ParameterException(
          cli, "--poll-interval-ms must be 10..600000, got " + pollIntervalMs);
    }
    if (!(bidWindow > 0 && bidWindow <= 60)) {
      throw new CommandLine.ParameterException(
          cli, "--bid-window must be more than 0 and at most 60 s, got " + bidWindow);
    }
    return new Plan(
        rows,
        n,
        providers,
        profile,
        Math.round(bidWindow * 1000),
        pollIntervalMs != null ? pollIntervalMs : DevnetUp.NODE_POLL_INTERVAL_MS);
  }

  /** One shard per {@link #DEFAULT_ROWS_PER_SHARD} rows, at least one per provider. */
  static int defaultShards(int rows, int providers) {
    return Math.min(rows, Math.max(providers, Math.round(rows / (float) DEFAULT_ROWS_PER_SHARD)));
  }

  @Override
  public Integer call() throws Exception {
    Plan plan = plan();
    Path root = Roots.hyphaeRoot();
    WalletJobSubmission wallet = new WalletJobSubmission(root, progress);
    Optional<String> unavailable = wallet.unavailable();
    if (unavailable.isPresent()) {
      throw new DevnetException(unavailable.get());
    }
    double loadBefore = loadAverage();
    Path dir = Files.createTempDirectory("hyphae-bench-market-");
    DevnetLayout layout = new DevnetLayout(dir.resolve("devnet"));
    List<String> texts = DemoInput.sentences(plan.rows());
    Path input = DemoInput.write(dir.resolve("input.jsonl"), plan.rows());

    // ---- raw ONNX Runtime first: nothing of the market runs yet
    NativeLibraries.configureDjlCache();
    int cores = Runtime.getRuntime().availableProcessors();
    Model model = new ModelRegistry().loadBuiltIn(ModelRegistry.DEFAULT_MODEL);
    progress.printf(
        "raw ONNX Runtime: %d rows (batch 32, %d threads), before the devnet starts...%n",
        texts.size(), cores);
    InferenceBench.rawOrt(model, texts.subList(0, Math.min(texts.size(), 256)), cores); // warm-up
    long rawStart = System.nanoTime();
    InferenceBench.RawRun raw = InferenceBench.rawOrt(model, texts, cores);
    long rawMs = (System.nanoTime() - rawStart) / 1_000_000;
    progress.printf(Locale.ROOT, "raw ONNX Runtime: %.1f rows/s%n", raw.rowsPerSecond());

    // ---- the market
    Thread stopOnExit = new Thread(() -> stop(layout), "bench-market-devnet-down");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    MarketFigures figures;
    try {
      Map<NodeOption, String> nodeOptions = new EnumMap<>(NodeOption.class);
      nodeOptions.put(NodeOption.MAX_CONCURRENT_SHARDS, Integer.toString(MAX_CONCURRENT_SHARDS));
      nodeOptions.put(NodeOption.POLL_INTERVAL_MS, Integer.toString(plan.pollIntervalMs()));
      Map<String, String> env = new LinkedHashMap<>(System.getenv());
      env.put("HYPHAE_LOG_LEVEL", "INFO"); // the nodes' timings come from their logs
      DevnetInfo devnet =
          new DevnetUp(root, layout, env, progress)
              .withNodeOptions(nodeOptions)
              .up(
                  new DevnetUp.Options(
                      plan.providers(),
                      new LoopbackPorts().next(),
                      DevnetUp.DEFAULT_PRICE_WEI,
                      List.of(ModelRegistry.DEFAULT_MODEL),
                      true));
      String modelName = modelName(devnet);
      List<String> submitOptions =
          List.of(
              "--bid-window",
              String.format(Locale.ROOT, "%.3f", plan.bidWindowMs() / 1000.0),
              "--no-wait");
      if (!noWarmup) {
        int warmRows = Math.min(plan.rows(), 16 * plan.providers());
        Path warmInput = DemoInput.write(dir.resolve("warmup.jsonl"), warmRows);
        progress.printf(
            "%nwarm-up job: %d rows in %d shards (not measured)%n", warmRows, plan.providers());
        wallet.submit(
            new JobSubmission.Request(
                layout.devnetJson(),
                layout.passwordFile(),
                warmInput,
                dir.resolve("warmup-out.jsonl"),
                modelName,
                plan.profile(),
                plan.providers(),
                JOB_TIMEOUT),
            // The demo's bid window: cold nodes on a busy machine may need more than 1 s for
            // their first quote, and the warm-up is there to take those first-time costs.
            List.of("--no-wait"));
      }
      progress.printf(
          "%nmeasured job: %d rows in %d shards through job submit...%n",
          plan.rows(), plan.shards());
      long launched = System.currentTimeMillis();
      JobSubmission.Outcome outcome =
          wallet.submit(
              new JobSubmission.Request(
                  layout.devnetJson(),
                  layout.passwordFile(),
                  input,
                  dir.resolve("output.jsonl"),
                  modelName,
                  plan.profile(),
                  plan.shards(),
                  JOB_TIMEOUT),
              submitOptions);
      long exited = System.currentTimeMillis();
      String jobId = outcome.report().path("jobId").asText();
      long startedAt = outcome.report().path("startedAt").asLong();
      List<Optional<NodeLogTimes.FirstShard>> perNode = new ArrayList<>();
      for (DevnetInfo.Provider p : devnet.providers()) {
        perNode.add(
            NodeLogTimes.firstShard(
                readLines(Path.of(p.logFile())), jobId, startedAt, ZoneId.systemDefault()));
      }
      MarketFigures.Setup setup =
          new MarketFigures.Setup(
              LocalDate.now(ZoneOffset.UTC).toString(),
              cores,
              loadBefore,
              loadAverage(),
              model.name(),
              plan.profile(),
              plan.rows(),
              plan.shards(),
              plan.providers(),
              plan.bidWindowMs(),
              plan.pollIntervalMs(),
              jobId);
      try {
        figures =
            MarketFigures.of(
                setup,
                raw.rowsPerSecond(),
                rawMs,
                outcome.report(),
                launched,
                exited,
                NodeLogTimes.earliest(perNode));
      } catch (IllegalArgumentException e) {
        throw new DevnetException(e.getMessage(), e);
      }
    } finally {
      progress.println();
      stop(layout);
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook runs (and finds the devnet stopped).
      }
      if (keepDir) {
        progress.println("The devnet's directory (logs, input, output) is kept: " + dir);
      } else {
        deleteTree(dir);
      }
    }

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(figures.toJson(new ObjectMapper())));
      out.flush();
    } else {
      figures.print(out);
    }
    return 0;
  }

  /** Stops the devnet this bench started, by the pids in its devnet.json; once is enough. */
  private synchronized void stop(DevnetLayout layout) {
    if (Files.isRegularFile(layout.devnetJson())) {
      new DevnetDown(layout, progress).down(false);
    }
  }

  private static String modelName(DevnetInfo devnet) {
    return devnet.models().keySet().stream()
        .filter(name -> name.equalsIgnoreCase(ModelRegistry.DEFAULT_MODEL))
        .findFirst()
        .orElse(ModelRegistry.DEFAULT_MODEL);
  }

  /** The 1-minute load average, or -1 where /proc/loadavg cannot be read. */
  static double loadAverage() {
    try {
      String text = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII);
      return Double.parseDouble(text.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  private void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      progress.println("Could not delete all of " + dir + ": " + e.getMessage());
    }
  }
}
