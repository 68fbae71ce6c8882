package io.hyphae.wallet.job;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.protocol.commitment.ShardInput;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The job's output file: JSONL, one line per input row in input order, {@code
 * {"row":0,"shard":0,"provider":"0x…","embedding":[…]}}, written atomically.
 */
public final class OutputRows {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputRows() {}

  /**
   * Writes {@code file} from the results of every shard.
   *
   * @param byShard one accepted result per shard (the first replica's, or the verified one)
   */
  public static void write(
      Path file, List<ShardInput> shards, Map<Integer, AcceptedResult> byShard) {
    for (int s = 0; s < shards.size(); s++) {
      if (!byShard.containsKey(s)) {
        throw new IllegalStateException("shard " + s + " has no result to write");
      }
    }
    AtomicFiles.write(file, out -> writeTo(out, shards, byShard));
  }

  /**
   * Writes {@code file} from the shards that have a result, leaving the others' rows out (each line
   * names its row, so the gaps show).
   *
   * @return the number of rows written
   */
  public static int writeAvailable(
      Path file, List<ShardInput> shards, Map<Integer, AcceptedResult> byShard) {
    AtomicFiles.write(file, out -> writeTo(out, shards, byShard));
    int rows = 0;
    for (AcceptedResult r : byShard.values()) {
      rows += r.output().rowCount();
    }
    return rows;
  }

  private static void writeTo(
      OutputStream out, List<ShardInput> shards, Map<Integer, AcceptedResult> byShard)
      throws java.io.IOException {
    JsonGenerator g = JSON.getFactory().createGenerator(out);
    g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    // One document per line: the newline separates them, not Jackson's default space.
    g.setRootValueSeparator(null);
    for (int s = 0; s < shards.size(); s++) {
      AcceptedResult r = byShard.get(s);
      if (r == null) {
        continue;
      }
      long firstRow = shards.get(s).firstRow();
      for (int i = 0; i < r.output().rowCount(); i++) {
        g.writeStartObject();
        g.writeNumberField("row", firstRow + i);
        g.writeNumberField("shard", s);
        g.writeStringField("provider", r.provider());
        g.writeArrayFieldStart("embedding");
        for (float v : r.output().rows().get(i)) {
          g.writeNumber(v);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
    g.flush();
  }
}
