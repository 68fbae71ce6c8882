package io.hyphae.devnet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.keys.KeystoreFiles;
import io.hyphae.devnet.local.DetachedProcess;
import io.hyphae.devnet.local.DevnetDown;
import io.hyphae.devnet.local.DevnetLayout;
import io.hyphae.devnet.local.DevnetProviders;
import io.hyphae.devnet.local.DevnetUp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One 3-provider devnet shared by the acceptance tests ({@link SharedDevnet} hands it out and stops
 * it after the last test). It lives in {@code devnet/target/acceptance-devnet/devnet}, so its logs
 * stay there for a look after a failed run; a devnet left there by an aborted run is stopped and
 * removed first. Tests that stop a provider leave it to {@link #ensureAllRunning} to start it
 * again.
 */
public final class AcceptanceDevnet implements AutoCloseable {

  public static final int PROVIDERS = 3;
  public static final String MODEL = "all-minilm-l6-v2-q";

  private final Path root;
  private final Path base;
  private final DevnetLayout layout;
  private final Thread hook;

  private AcceptanceDevnet(Path root, Path base, DevnetLayout layout, Thread hook) {
    this.root = root;
    this.base = base;
    this.layout = layout;
    this.hook = hook;
  }

  /** Brings the devnet up (a new chain, 3 providers on free ports). */
  public static AcceptanceDevnet start() throws IOException {
    Path root = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();
    Path base = root.resolve("devnet/target/acceptance-devnet");
    DevnetLayout layout = new DevnetLayout(base.resolve("devnet"));
    // What an aborted run left: stopped by pid (only our processes), then removed.
    try {
      new DevnetDown(layout, System.out).down(true);
    } catch (RuntimeException e) {
      System.out.println("Could not stop a left-over devnet cleanly: " + e.getMessage());
    }
    TestProcesses.killAllUnder(base);
    deleteRecursively(base);
    Files.createDirectories(base);
    // Backup for a JVM that ends without closing the store: nothing may outlive the tests.
    Thread hook = new Thread(() -> TestProcesses.killAllUnder(base), "acceptance-devnet-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    AcceptanceDevnet devnet = new AcceptanceDevnet(root, base, layout, hook);
    try {
      new DevnetUp(root, layout, System.getenv(), System.out)
          .up(
              new DevnetUp.Options(
                  PROVIDERS,
                  TestProcesses.freePort(),
                  DevnetUp.DEFAULT_PRICE_WEI,
                  List.of(MODEL),
                  true));
    } catch (RuntimeException e) {
      devnet.close();
      throw e;
    }
    return devnet;
  }

  public Path root() {
    return root;
  }

  public DevnetLayout layout() {
    return layout;
  }

  /** devnet.json as it is now (pids change when providers are stopped and started). */
  public DevnetInfo info() {
    return DevnetInfo.read(layout.devnetJson());
  }

  /** A new, empty directory for one test's files. */
  public Path scratch(String name) throws IOException {
    Path dir = base.resolve("work").resolve(name);
    deleteRecursively(dir);
    return Files.createDirectories(dir);
  }

  public String requesterAddress() {
    return KeystoreFiles.address(Path.of(info().requesterKeystore())).toLowerCase(Locale.ROOT);
  }

  /** The devnet's provider with this address. */
  public DevnetInfo.Provider provider(String address) {
    return info().providers().stream()
        .filter(p -> p.address().equalsIgnoreCase(address))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no devnet provider has address " + address));
  }

  /** The live process of the provider's node, if it runs. */
  public java.util.Optional<ProcessHandle> process(DevnetInfo.Provider provider) {
    return DetachedProcess.ours(provider.pid(), layout.nodeMarker(provider.name()));
  }

  /** Starts every provider that is not running (a test before stopped or killed it). */
  public void ensureAllRunning() {
    for (DevnetInfo.Provider p : info().providers()) {
      if (process(p).isEmpty()) {
        new DevnetProviders(root, layout, System.getenv(), System.out).start(p.name());
      }
    }
  }

  public ChainView chain() {
    return new ChainView(info());
  }

  /**
   * The wallet's {@code job submit} against this devnet, as a user types it: the devnet's file and
   * password, JSON output, then {@code extra}.
   */
  public List<String> jobSubmit(List<String> extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--devnet-info",
                layout.devnetJson().toString(),
                "--json",
                "job",
                "submit",
                "--password-file",
                layout.passwordFile().toString()));
    args.addAll(extra);
    return args;
  }

  /**
   * {@code job submit} of {@code input} in {@code shards} shards of {@link #MODEL} at most {@code
   * maxPrice} wei a shard, with a 5 s bid window (the devnet's 1 s is too short for a cold node's
   * first quote on a busy machine; the window closes once every range has a bid), then {@code
   * extra}.
   */
  public List<String> jobSubmit(
      Path input, int shards, java.math.BigInteger maxPrice, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--input",
                input.toString(),
                "--model",
                MODEL,
                "--shards",
                Integer.toString(shards),
                "--max-price",
                maxPrice.toString(),
                "--bid-window",
                "5"));
    args.addAll(List.of(extra));
    return jobSubmit(args);
  }

  /** {@code devnet status --json} of this devnet. */
  public JsonNode status() throws IOException {
    DevnetCli.Run status = DevnetCli.run("status", "--json", "--dir", layout.dir().toString());
    return new ObjectMapper().readTree(status.out());
  }

  /** One provider's entry in {@link #status()}. */
  public static JsonNode providerStatus(JsonNode status, String name) {
    for (JsonNode p : status.path("providers")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no " + name + " in " + status);
  }

  /** The last lines of each node's log, for a failure message. */
  public String logTails() {
    StringBuilder out = new StringBuilder();
    for (DevnetInfo.Provider p : info().providers()) {
      out.append("==> ").append(p.name()).append(" <==\n");
      try {
        List<String> lines = Files.readAllLines(Path.of(p.logFile()));
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      } catch (IOException e) {
        out.append("(unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }

  /** Stops the devnet (its logs stay in target/ for a look) and anything else left under it. */
  @Override
  public void close() {
    try {
      new DevnetDown(layout, System.out).down(false);
    } finally {
      TestProcesses.killAllUnder(base);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs anyway.
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
