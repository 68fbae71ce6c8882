package io.hyphae.wallet.job;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.protocol.commitment.Bytes32;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Re-runs spot-check rows on this machine, with the node program that ships next to the wallet
 * ({@code ./hyphae node embed}), for a requester who has the model here. The wallet does not link
 * the inference engine (it stays light, and never depends on the node module); it runs it as a
 * child process instead, once for all the rows a job checks locally.
 */
public final class LocalRerun {

  /** Startup and model loading, then a generous time per row on a busy machine. */
  private static final Duration BASE_TIMEOUT = Duration.ofSeconds(120);

  private static final Duration PER_ROW = Duration.ofMillis(200);
  private static final int MAX_ERROR_BYTES = 8 << 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> program;

  /** Runs {@code program node embed …}; {@code program} is the launcher and any leading words. */
  LocalRerun(List<String> program) {
    this.program = List.copyOf(program);
  }

  /** The launcher of the installation the wallet runs from, when it is there. */
  public static Optional<LocalRerun> nextTo(Path hyphaeRoot) {
    Path launcher = hyphaeRoot.resolve("hyphae");
    return Files.isExecutable(launcher)
        ? Optional.of(new LocalRerun(List.of(launcher.toString())))
        : Optional.empty();
  }

  /**
   * The embeddings of {@code texts}, in order, as {@code node embed} computes them with this model
   * and profile (each text its own row, truncated to the model's length as a provider does).
   *
   * @throws IOException with the program's own message when it cannot run them (the model is not
   *     here, the profile is unknown, it timed out)
   */
  public List<float[]> embed(Bytes32 model, Bytes32 profile, List<String> texts)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(program);
    command.addAll(
        List.of("node", "embed", "--model", model.toHex(), "--profile", profile.toHex()));
    Process process = new ProcessBuilder(command).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread feeder = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), texts));
    Thread reader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), out, -1));
    Thread errors =
        Thread.ofVirtual().start(() -> drain(process.getErrorStream(), err, MAX_ERROR_BYTES));
    Duration timeout = BASE_TIMEOUT.plus(PER_ROW.multipliedBy(texts.size()));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the local re-run took longer than " + timeout.toSeconds() + " s");
      }
      feeder.join(Duration.ofSeconds(5));
      reader.join(Duration.ofSeconds(5));
      errors.join(Duration.ofSeconds(5));
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "node embed exited with " + process.exitValue() + ": " + lastLine(err.toString(UTF8)));
    }
    return parse(out.toString(UTF8), texts.size());
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** One {@code {"row":i,"embedding":[…]}} line per text, in order; floats read exactly. */
  static List<float[]> parse(String stdout, int rows) throws IOException {
    List<float[]> vectors = new ArrayList<>(rows);
    for (String line : stdout.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      float[] vector = row(line, vectors.size());
      if (vector == null) {
        throw new IOException("node embed printed an unexpected line: " + abbreviate(line));
      }
      vectors.add(vector);
    }
    if (vectors.size() != rows) {
      throw new IOException("node embed returned " + vectors.size() + " rows for " + rows);
    }
    return vectors;
  }

  /** The embedding of a line for row {@code expected}, or null when the line is not that. */
  private static float[] row(String line, int expected) throws IOException {
    int row = -1;
    float[] vector = null;
    try (JsonParser p = JSON.getFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("row") && value == JsonToken.VALUE_NUMBER_INT) {
          row = p.getIntValue();
        } else if (field.equals("embedding") && value == JsonToken.START_ARRAY) {
          List<String> numbers = new ArrayList<>();
          while (p.nextToken() == JsonToken.VALUE_NUMBER_FLOAT
              || p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            numbers.add(p.getText());
          }
          if (p.currentToken() != JsonToken.END_ARRAY) {
            return null;
          }
          vector = new float[numbers.size()];
          for (int i = 0; i < vector.length; i++) {
            // From the decimal text: the float it was printed from, sign of zero included.
            vector[i] = Float.parseFloat(numbers.get(i));
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JacksonException | NumberFormatException e) {
      return null;
    }
    return row == expected ? vector : null;
  }

  private static void feed(OutputStream stdin, List<String> texts) {
    try (OutputStream in = stdin) {
      for (String text : texts) {
        in.write(JSON.writeValueAsBytes(text));
        in.write('\n');
      }
    } catch (IOException e) {
      // The program ended early; its exit code and message say why.
    }
  }

  private static void drain(InputStream from, ByteArrayOutputStream to, int limit) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (to) {
          if (limit < 0 || to.size() < limit) {
            to.write(buffer, 0, n);
          }
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    return last.isEmpty() ? "(no message)" : abbreviate(last);
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }
}
