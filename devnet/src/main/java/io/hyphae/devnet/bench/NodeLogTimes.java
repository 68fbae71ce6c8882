package io.hyphae.devnet.bench;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a provider node saw its assignment, and its first shard's size, compute time and delivery,
 * read from the node's INFO log (tools/logback.xml: {@code HH:mm:ss.SSS LEVEL logger - message}, in
 * the machine's time zone). Pure: the lines come in, the times go out.
 */
public final class NodeLogTimes {

  private static final Pattern LINE =
      Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*? - (.*)$");

  private NodeLogTimes() {}

  /**
   * One node's first shard of a job.
   *
   * @param assignmentSeenMs when the node saw the assignment on chain, ms from job submit's start
   * @param rows the first shard's rows
   * @param computeMs its inference time as the node logged it
   * @param deliveredMs when the node logged it delivered, ms from job submit's start
   */
  public record FirstShard(long assignmentSeenMs, int rows, long computeMs, long deliveredMs) {}

  /**
   * The first shard of job {@code jobId} in one node's log, when the log has the three lines.
   *
   * @param startedAtMs job submit's start (unix ms), which the times are made relative to
   * @param zone the time zone the log was written in
   */
  public static Optional<FirstShard> firstShard(
      List<String> lines, String jobId, long startedAtMs, ZoneId zone) {
    Pattern assigned = Pattern.compile("^job " + Pattern.quote(jobId) + ": assigned shards .*");
    Pattern computed =
        Pattern.compile(
            "^job " + Pattern.quote(jobId) + " shard \\d+: (\\d+) rows in (\\d+) ms\\b.*");
    Pattern delivered = Pattern.compile("^job " + Pattern.quote(jobId) + " shard \\d+: delivered$");
    Long seen = null;
    Integer rows = null;
    Long compute = null;
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String message = m.group(2);
      if (seen == null && assigned.matcher(message).matches()) {
        seen = relative(m.group(1), startedAtMs, zone);
      } else if (rows == null && computed.matcher(message).matches()) {
        Matcher c = computed.matcher(message);
        if (c.matches()) {
          rows = Integer.parseInt(c.group(1));
          compute = Long.parseLong(c.group(2));
        }
      } else if (seen != null && rows != null && delivered.matcher(message).matches()) {
        Long at = relative(m.group(1), startedAtMs, zone);
        if (at != null) {
          return Optional.of(new FirstShard(seen, rows, compute, at));
        }
      }
    }
    return Optional.empty();
  }

  /** Of several nodes' first shards, the one delivered first. */
  public static Optional<FirstShard> earliest(List<Optional<FirstShard>> nodes) {
    return nodes.stream()
        .flatMap(Optional::stream)
        .min(java.util.Comparator.comparingLong(FirstShard::deliveredMs));
  }

  /** A log time of day as ms from {@code startedAtMs}, on the day that puts it nearest. */
  private static Long relative(String timeOfDay, long startedAtMs, ZoneId zone) {
    LocalTime time;
    try {
      time = LocalTime.parse(timeOfDay);
    } catch (DateTimeParseException e) {
      return null;
    }
    LocalDateTime start = LocalDateTime.ofInstant(Instant.ofEpochMilli(startedAtMs), zone);
    long best = Long.MAX_VALUE;
    for (int day = -1; day <= 1; day++) {
      long at =
          LocalDateTime.of(start.toLocalDate().plusDays(day), time)
              .atZone(zone)
              .toInstant()
              .toEpochMilli();
      if (Math.abs(at - startedAtMs) < Math.abs(best)) {
        best = at - startedAtMs;
      }
    }
    return best;
  }
}
