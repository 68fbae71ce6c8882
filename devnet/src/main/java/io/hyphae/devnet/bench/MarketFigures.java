package io.hyphae.devnet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code bench market} reports, computed from its own measurements and the wallet's {@code job
 * submit --json} timeline (pure: no clock, no I/O), and the two ways it prints them.
 *
 * <p>All times are milliseconds from the start of {@code job submit}'s work (its {@code startedAt},
 * after the wallet JVM started and unlocked the key), except {@code walletStartMs}: the bench's
 * launch of the wallet to that start.
 *
 * @param setup what was run (rows, shards, providers, profile, bid window, machine)
 * @param rawRowsPerSecond raw ONNX Runtime on the same rows
 * @param rawMs how long the raw run took
 * @param walletStartMs launching the wallet JVM to the start of its work (JVM, key unlocking)
 * @param preparedMs input read and sharded, funds checked, providers dialled
 * @param postedMs the job posted on chain
 * @param bidsClosedMs the end of the bid window (all bids in, or the window over)
 * @param assignedMs the assign transaction mined
 * @param firstResultMs the first shard result accepted: the fixed overhead
 * @param lastResultMs the last shard result accepted
 * @param commandMs the whole {@code job submit} command, launch to exit (includes the commits, spot
 *     checks and writing the output)
 * @param nodes what the provider nodes' logs say about the first shard (empty: no log lines)
 */
public record MarketFigures(
    Setup setup,
    double rawRowsPerSecond,
    long rawMs,
    long walletStartMs,
    long preparedMs,
    long postedMs,
    long bidsClosedMs,
    long assignedMs,
    long firstResultMs,
    long lastResultMs,
    long commandMs,
    Optional<NodeLogTimes.FirstShard> nodes) {

  /** The throughput goal: the market's rows/s after the bid window, as a share of raw ORT. */
  public static final double THROUGHPUT_GOAL = 0.8;

  /** The fixed overhead goal (with a 1 s bid window). */
  public static final long OVERHEAD_GOAL_MS = 2000;

  /**
   * What was run.
   *
   * @param date the UTC date
   * @param cores this machine's cores
   * @param loadBefore the load average (1 min) before the raw run
   * @param loadAfter the load average (1 min) after the market run
   * @param model the model's name
   * @param profile the execution profile's name
   * @param rows input rows
   * @param shards shards the job was cut into
   * @param providers provider nodes on the devnet
   * @param bidWindowMs the bid window given to {@code job submit}
   * @param pollIntervalMs the nodes' poll interval of the chain
   * @param jobId the measured job
   */
  public record Setup(
      String date,
      int cores,
      double loadBefore,
      double loadAfter,
      String model,
      String profile,
      int rows,
      int shards,
      int providers,
      long bidWindowMs,
      int pollIntervalMs,
      String jobId) {}

  /**
   * Reads the timings from {@code job submit --json}'s report.
   *
   * @param launchedAtMs when the bench launched the wallet (unix ms)
   * @param exitedAtMs when the wallet exited (unix ms)
   * @throws IllegalArgumentException when the report lacks a timing (an older wallet)
   */
  public static MarketFigures of(
      Setup setup,
      double rawRowsPerSecond,
      long rawMs,
      JsonNode report,
      long launchedAtMs,
      long exitedAtMs,
      Optional<NodeLogTimes.FirstShard> nodes) {
    JsonNode timeline = report.path("timeline");
    long startedAt = report.path("startedAt").asLong(0);
    if (startedAt == 0) {
      throw new IllegalArgumentException("job submit's report has no startedAt");
    }
    return new MarketFigures(
        setup,
        rawRowsPerSecond,
        rawMs,
        startedAt - launchedAtMs,
        required(timeline, "prepare"),
        required(timeline, "post"),
        required(timeline, "bids"),
        required(timeline, "assign"),
        required(timeline, "firstResult"),
        required(timeline, "lastResult"),
        exitedAtMs - launchedAtMs,
        nodes);
  }

  private static long required(JsonNode timeline, String key) {
    JsonNode v = timeline.get(key);
    if (v == null || !v.canConvertToLong()) {
      throw new IllegalArgumentException(
          "job submit's report has no timeline." + key + " (a wallet without timings?)");
    }
    return v.asLong();
  }

  /** Rows per shard, smallest and largest: job submit cuts contiguous shards differing by one. */
  public static int[] shardRows(int rows, int shards) {
    if (shards < 1 || shards > rows) {
      throw new IllegalArgumentException("shards must be 1.." + rows + ", got " + shards);
    }
    return new int[] {rows / shards, (rows + shards - 1) / shards};
  }

  /** The market's rows/s from the end of the bid window to the last result. */
  public double marketRowsPerSecond() {
    return perSecond(setup.rows(), lastResultMs - bidsClosedMs);
  }

  /** Rows/s from the start of job submit's work to the last result. */
  public double endToEndRowsPerSecond() {
    return perSecond(setup.rows(), lastResultMs);
  }

  /** The market's rows/s as a share of raw ORT's. */
  public double ratioToRaw() {
    return rawRowsPerSecond <= 0 ? 0 : marketRowsPerSecond() / rawRowsPerSecond;
  }

  public boolean throughputGoalMet() {
    return ratioToRaw() >= THROUGHPUT_GOAL;
  }

  public boolean overheadGoalMet() {
    return firstResultMs <= OVERHEAD_GOAL_MS;
  }

  private static double perSecond(long rows, long ms) {
    return ms <= 0 ? 0 : rows * 1000.0 / ms;
  }

  /** The fixed overhead's parts, in order, in ms; the node parts only when the logs gave them. */
  public Map<String, Long> overheadParts() {
    Map<String, Long> parts = new LinkedHashMap<>();
    nodes.ifPresentOrElse(
        n -> {
          long seen = n.assignmentSeenMs();
          parts.put("bidWindowEndToAssigned", assignedMs - bidsClosedMs);
          parts.put("assignedToSeenByNode", seen - assignedMs);
          parts.put("seenToFirstResult", firstResultMs - seen);
        },
        () -> {
          parts.put("bidWindowEndToAssigned", assignedMs - bidsClosedMs);
          parts.put("assignedToFirstResult", firstResultMs - assignedMs);
        });
    return parts;
  }

  // ---------------------------------------------------------------- printing

  /** One JSON object; units are in the key names. */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    root.put("bench", "market");
    root.put("date", setup.date());
    root.put("cores", setup.cores());
    root.put("loadAverage1mBefore", setup.loadBefore());
    root.put("loadAverage1mAfter", setup.loadAfter());
    root.put("model", setup.model());
    root.put("profile", setup.profile());
    root.put("rows", setup.rows());
    root.put("providers", setup.providers());
    root.put("shards", setup.shards());
    int[] sizes = shardRows(setup.rows(), setup.shards());
    root.put("rowsPerShardMin", sizes[0]);
    root.put("rowsPerShardMax", sizes[1]);
    root.put("order", ORDER);
    root.put("rawRowsPerSecond", round(rawRowsPerSecond));
    root.put("rawMs", rawMs);
    root.put("bidWindowMs", setup.bidWindowMs());
    root.put("nodePollIntervalMs", setup.pollIntervalMs());
    root.put("jobId", setup.jobId());
    root.put("walletStartMs", walletStartMs);
    root.put("preparedMs", preparedMs);
    root.put("postedMs", postedMs);
    root.put("bidsClosedMs", bidsClosedMs);
    root.put("assignedMs", assignedMs);
    root.put("firstResultMs", firstResultMs);
    root.put("lastResultMs", lastResultMs);
    root.put("commandMs", commandMs);
    root.put("fixedOverheadMs", firstResultMs);
    ObjectNode parts = root.putObject("fixedOverheadPartsMs");
    overheadParts().forEach(parts::put);
    nodes.ifPresent(
        n -> {
          root.put("firstShardRows", n.rows());
          root.put("firstShardComputeMs", n.computeMs());
        });
    root.put("marketRowsPerSecond", round(marketRowsPerSecond()));
    root.put("endToEndRowsPerSecond", round(endToEndRowsPerSecond()));
    root.put("marketOfRaw", round(ratioToRaw()));
    ObjectNode goals = root.putObject("goals");
    goals.put("marketOfRawMin", THROUGHPUT_GOAL);
    goals.put("throughputMet", throughputGoalMet());
    goals.put("fixedOverheadMaxMs", OVERHEAD_GOAL_MS);
    goals.put("fixedOverheadMet", overheadGoalMet());
    return root;
  }

  static final String ORDER =
      "raw ONNX Runtime first, before the devnet starts; then the devnet, a warm-up job, and the"
          + " measured job";

  /** The table for people: what each figure is, so a re-run on another machine reads alone. */
  public void print(PrintWriter out) {
    int[] sizes = shardRows(setup.rows(), setup.shards());
    out.printf(
        Locale.ROOT,
        "bench market, %s: %d cores, load average (1 min) %.2f before, %.2f after%n",
        setup.date(),
        setup.cores(),
        setup.loadBefore(),
        setup.loadAfter());
    out.printf(
        Locale.ROOT,
        "%d rows of %s (profile %s); %d providers on this machine; %d shards of %s rows; bid"
            + " window %.1f s; nodes poll the chain every %d ms%n",
        setup.rows(),
        setup.model(),
        setup.profile(),
        setup.providers(),
        setup.shards(),
        sizes[0] == sizes[1] ? Integer.toString(sizes[0]) : sizes[0] + "-" + sizes[1],
        setup.bidWindowMs() / 1000.0,
        setup.pollIntervalMs());
    out.println("order: " + ORDER);
    out.println();
    out.printf(Locale.ROOT, "%-58s %10s %9s%n", "", "rows/s", "of raw");
    out.printf(
        Locale.ROOT,
        "%-58s %10.1f %9s%n",
        "raw ONNX Runtime (batch 32, all cores, same rows)",
        rawRowsPerSecond,
        "100%");
    out.printf(
        Locale.ROOT,
        "%-58s %10.1f %8.0f%%%n",
        "market: end of bid window -> last result",
        marketRowsPerSecond(),
        100 * ratioToRaw());
    out.printf(
        Locale.ROOT,
        "%-58s %10.1f %8.0f%%%n",
        "market end to end: job submit start -> last result",
        endToEndRowsPerSecond(),
        rawRowsPerSecond <= 0 ? 0 : 100 * endToEndRowsPerSecond() / rawRowsPerSecond);
    out.println();
    out.printf(
        Locale.ROOT,
        "fixed overhead (job submit start -> first shard result): %d ms%n",
        firstResultMs);
    out.printf(
        Locale.ROOT,
        "  job submit's timeline: prepared %d ms, posted %d ms, bids closed %d ms, assigned %d ms,"
            + " first result %d ms, last result %d ms%n",
        preparedMs,
        postedMs,
        bidsClosedMs,
        assignedMs,
        firstResultMs,
        lastResultMs);
    nodes.ifPresent(
        n ->
            out.printf(
                Locale.ROOT,
                "  first provider to see its assignment: %d ms (%d ms after the assign"
                    + " transaction); its first shard (%d rows) computed in %d ms%n",
                n.assignmentSeenMs(),
                n.assignmentSeenMs() - assignedMs,
                n.rows(),
                n.computeMs()));
    out.printf(
        Locale.ROOT,
        "  not counted: starting the wallet JVM and unlocking the key, %d ms; the whole job submit"
            + " command (with commits, spot checks, output) took %d ms%n",
        walletStartMs,
        commandMs);
    out.println();
    out.printf(
        Locale.ROOT,
        "goal: market >= %.0f%% of raw after the bid window: %s (%.0f%%)%n",
        100 * THROUGHPUT_GOAL,
        throughputGoalMet() ? "met" : "NOT met",
        100 * ratioToRaw());
    out.printf(
        Locale.ROOT,
        "goal: fixed overhead <= %d ms with a 1 s bid window: %s (%d ms)%n",
        OVERHEAD_GOAL_MS,
        overheadGoalMet() ? "met" : "NOT met",
        firstResultMs);
    out.flush();
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
