package io.hyphae.devnet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench market}'s options, calculations and printing; the run itself is not timed here. */
class MarketBenchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static MarketBench.Plan plan(String... args) {
    MarketBench bench = new MarketBench();
    new CommandLine(bench).parseArgs(args);
    return bench.plan();
  }

  /** 2 for a usage error (picocli's exit code for one), else 0. */
  private static int usageError(String... args) {
    MarketBench bench = new MarketBench();
    try {
      new CommandLine(bench).parseArgs(args);
      bench.plan();
      return 0;
    } catch (CommandLine.ParameterException e) {
      return 2;
    }
  }

  @Test
  void defaultsAreTheIssuesRun() {
    MarketBench.Plan p = plan();
    assertThat(p.rows()).isEqualTo(10_000);
    assertThat(p.providers()).isEqualTo(3);
    assertThat(p.profile()).isEqualTo("cpu-det-v1");
    assertThat(p.bidWindowMs()).isEqualTo(1000);
    assertThat(p.shards()).isEqualTo(10_000 / MarketBench.DEFAULT_ROWS_PER_SHARD);
    assertThat(p.pollIntervalMs()).isEqualTo(200);
  }

  @Test
  void optionsAreTakenAndShardsDefaultToOnePerProviderAtLeast() {
    MarketBench.Plan p =
        plan("--rows", "200", "--providers", "2", "--shards", "4", "--bid-window", "0.5");
    assertThat(p.rows()).isEqualTo(200);
    assertThat(p.shards()).isEqualTo(4);
    assertThat(p.providers()).isEqualTo(2);
    assertThat(p.bidWindowMs()).isEqualTo(500);
    assertThat(MarketBench.defaultShards(10, 3)).isEqualTo(3);
    assertThat(MarketBench.defaultShards(2, 3)).isEqualTo(2);
    assertThat(MarketBench.defaultShards(1000, 3)).isEqualTo(50);
  }

  @Test
  void impossibleOptionsAreUsageErrors() {
    assertThat(usageError("--rows", "0")).isEqualTo(2);
    assertThat(usageError("--rows", "20000")).isEqualTo(2);
    assertThat(usageError("--providers", "9")).isEqualTo(2);
    assertThat(usageError("--rows", "100", "--shards", "2")).isEqualTo(2); // fewer than providers
    assertThat(usageError("--rows", "100", "--shards", "101")).isEqualTo(2);
    assertThat(usageError("--bid-window", "0")).isEqualTo(2);
    assertThat(usageError("--poll-interval-ms", "5")).isEqualTo(2);
    assertThat(usageError("--json")).isZero();
  }

  @Test
  void shardSizesDifferByOneAtMost() {
    assertThat(MarketFigures.shardRows(10_000, 500)).containsExactly(20, 20);
    assertThat(MarketFigures.shardRows(1000, 3)).containsExactly(333, 334);
    assertThatThrownBy(() -> MarketFigures.shardRows(3, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static MarketFigures figures(Optional<NodeLogTimes.FirstShard> nodes) throws Exception {
    JsonNode report =
        JSON.readTree(
            "{\"jobId\":\"7\",\"startedAt\":1000000,\"timeline\":{\"prepare\":300,\"post\":500,"
                + "\"bids\":900,\"assign\":1000,\"firstResult\":1800,\"lastResult\":10900,"
                + "\"execute\":11000}}");
    MarketFigures.Setup setup =
        new MarketFigures.Setup(
            "2026-11-23", 2, 1.5, 2.5, "m", "cpu-det-v1", 1000, 50, 3, 1000, 200, "7");
    return MarketFigures.of(setup, 80.0, 12_500, report, 999_400, 1_013_000, nodes);
  }

  @Test
  void figuresComeFromTheTimeline() throws Exception {
    MarketFigures f = figures(Optional.of(new NodeLogTimes.FirstShard(1100, 20, 450, 1750)));
    assertThat(f.walletStartMs()).isEqualTo(600);
    assertThat(f.commandMs()).isEqualTo(13_600);
    // 1000 rows from the end of the bids (900 ms) to the last result (10900 ms): 10 s.
    assertThat(f.marketRowsPerSecond()).isEqualTo(100.0);
    assertThat(f.endToEndRowsPerSecond())
        .isCloseTo(91.74, org.assertj.core.data.Offset.offset(0.01));
    assertThat(f.ratioToRaw()).isEqualTo(1.25);
    assertThat(f.throughputGoalMet()).isTrue();
    assertThat(f.firstResultMs()).isEqualTo(1800);
    assertThat(f.overheadGoalMet()).isTrue();
    assertThat(f.overheadParts())
        .containsExactly(
            org.assertj.core.api.Assertions.entry("bidWindowEndToAssigned", 100L),
            org.assertj.core.api.Assertions.entry("assignedToSeenByNode", 100L),
            org.assertj.core.api.Assertions.entry("seenToFirstResult", 700L));
  }

  @Test
  void jsonHasEveryFigureWithUnitsInTheKeys() throws Exception {
    JsonNode json = figures(Optional.empty()).toJson(JSON);
    assertThat(json.path("bench").asText()).isEqualTo("market");
    assertThat(json.path("rawRowsPerSecond").asDouble()).isEqualTo(80.0);
    assertThat(json.path("marketRowsPerSecond").asDouble()).isEqualTo(100.0);
    assertThat(json.path("marketOfRaw").asDouble()).isEqualTo(1.25);
    assertThat(json.path("fixedOverheadMs").asLong()).isEqualTo(1800);
    assertThat(json.path("bidWindowMs").asLong()).isEqualTo(1000);
    assertThat(json.path("rowsPerShardMin").asInt()).isEqualTo(20);
    assertThat(json.path("fixedOverheadPartsMs").path("assignedToFirstResult").asLong())
        .isEqualTo(800);
    assertThat(json.path("goals").path("throughputMet").asBoolean()).isTrue();
    assertThat(json.path("goals").path("fixedOverheadMet").asBoolean()).isTrue();
    assertThat(json.path("order").asText()).startsWith("raw ONNX Runtime first");
  }

  @Test
  void tableNamesEachFigureAndTheGoals() throws Exception {
    StringWriter text = new StringWriter();
    figures(Optional.of(new NodeLogTimes.FirstShard(1100, 20, 450, 1750)))
        .print(new PrintWriter(text));
    assertThat(text.toString())
        .contains("1000 rows of m (profile cpu-det-v1); 3 providers", "50 shards of 20 rows")
        .contains("raw ONNX Runtime (batch 32, all cores, same rows)")
        .contains("market: end of bid window -> last result", "125%")
        .contains("fixed overhead (job submit start -> first shard result): 1800 ms")
        .contains("its first shard (20 rows) computed in 450 ms")
        .contains("goal: market >= 80% of raw after the bid window: met")
        .contains("goal: fixed overhead <= 2000 ms with a 1 s bid window: met");
  }

  @Test
  void aReportWithoutTimingsIsRefused() throws Exception {
    JsonNode report = JSON.readTree("{\"jobId\":\"7\",\"startedAt\":5,\"timeline\":{}}");
    MarketFigures.Setup setup =
        new MarketFigures.Setup("d", 2, 0, 0, "m", "p", 10, 3, 3, 1000, 200, "7");
    assertThatThrownBy(() -> MarketFigures.of(setup, 1, 1, report, 0, 1, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeline.prepare");
  }

  @Test
  void nodeLogGivesTheFirstShardRelativeToTheStart() {
    ZoneId zone = ZoneOffset.UTC;
    long start = LocalDateTime.of(2026, 11, 23, 12, 0, 0).atZone(zone).toInstant().toEpochMilli();
    List<String> log =
        List.of(
            "11:59:59.000 INFO  i.h.node.job.JobEngine - job 6: assigned shards 0..1 (index 0)",
            "12:00:01.000 INFO  i.h.node.job.JobEngine - job 7: assigned shards 0..3 (index 0)",
            "not a log line",
            "12:00:01.700 INFO  i.hyphae.node.job.JobRun - job 7 shard 0: 20 rows in 450 ms, output"
                + " 0xab",
            "12:00:01.750 INFO  i.hyphae.node.job.JobRun - job 7 shard 0: delivered",
            "12:00:02.300 INFO  i.hyphae.node.job.JobRun - job 7 shard 1: 20 rows in 500 ms, output"
                + " 0xcd");
    Optional<NodeLogTimes.FirstShard> first = NodeLogTimes.firstShard(log, "7", start, zone);
    assertThat(first).contains(new NodeLogTimes.FirstShard(1000, 20, 450, 1750));
    assertThat(NodeLogTimes.firstShard(log, "8", start, zone)).isEmpty();
    // A log line just after midnight belongs to the next day.
    long late = LocalDateTime.of(2026, 11, 23, 23, 59, 59).atZone(zone).toInstant().toEpochMilli();
    List<String> night =
        List.of(
            "00:00:00.500 INFO  x - job 7: assigned shards 0..0 (index 0)",
            "00:00:01.000 INFO  x - job 7 shard 0: 1 rows in 100 ms, output 0x",
            "00:00:01.500 INFO  x - job 7 shard 0: delivered");
    assertThat(NodeLogTimes.firstShard(night, "7", late, zone))
        .contains(new NodeLogTimes.FirstShard(1500, 1, 100, 2500));
    assertThat(
            NodeLogTimes.earliest(
                List.of(
                    Optional.of(new NodeLogTimes.FirstShard(5, 1, 1, 900)),
                    Optional.empty(),
                    Optional.of(new NodeLogTimes.FirstShard(7, 1, 1, 800)))))
        .contains(new NodeLogTimes.FirstShard(7, 1, 1, 800));
  }
}
