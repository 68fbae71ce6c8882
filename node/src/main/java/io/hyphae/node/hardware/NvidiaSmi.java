package io.hyphae.node.hardware;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Reads NVIDIA GPUs through {@code nvidia-smi --query-gpu=… --format=csv,noheader,nounits}. A
 * missing binary, a failing driver or a timeout is "no GPUs", with a note saying why.
 */
public final class NvidiaSmi {
  public static final String QUERY =
      "index,name,memory.total,memory.used,driver_version,utilization.gpu";
  public static final List<String> COMMAND =
      List.of("nvidia-smi", "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
  private static final int MAX_OUTPUT = 1 << 16;

  /** The GPUs and, when there are none, why. */
  public record Result(List<GpuInfo> gpus, String note) {
    public Result {
      gpus = List.copyOf(gpus);
    }
  }

  private final List<String> command;
  private final long timeoutMillis;

  public NvidiaSmi() {
    this(COMMAND, 5_000);
  }

  /** For tests: another command line (a script printing recorded output, a missing binary). */
  public NvidiaSmi(List<String> command, long timeoutMillis) {
    this.command = List.copyOf(command);
    this.timeoutMillis = timeoutMillis;
  }

  public Result query() {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(List.of(), "no NVIDIA GPU (nvidia-smi not found)");
    }
    try (InputStream out = process.getInputStream()) {
      // Its output (a line per GPU) fits in the pipe buffer, so waiting first cannot deadlock,
      // and a hung nvidia-smi cannot block a read.
      if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(List.of(), "nvidia-smi did not answer in " + timeoutMillis + " ms");
      }
      byte[] bytes = out.readNBytes(MAX_OUTPUT);
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String firstLine = text.lines().findFirst().orElse("").trim();
        return new Result(
            List.of(),
            "no usable NVIDIA GPU (nvidia-smi exited "
                + process.exitValue()
                + ": "
                + firstLine
                + ")");
      }
      List<GpuInfo> gpus = parse(text);
      return new Result(gpus, gpus.isEmpty() ? "nvidia-smi lists no GPU" : "");
    } catch (IOException e) {
      process.destroyForcibly();
      return new Result(List.of(), "cannot read nvidia-smi output: " + e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(List.of(), "interrupted while waiting for nvidia-smi");
    }
  }

  /** Parses {@code csv,noheader,nounits} lines of {@link #QUERY}; malformed lines are skipped. */
  public static List<GpuInfo> parse(String csv) {
    List<GpuInfo> gpus = new ArrayList<>();
    for (String line : csv.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      if (f.length != 6) {
        continue;
      }
      OptionalInt index = number(f[0]);
      OptionalInt total = number(f[2]);
      if (index.isEmpty() || total.isEmpty()) {
        continue;
      }
      gpus.add(
          new GpuInfo(
              index.getAsInt(),
              f[1].trim(),
              total.getAsInt(),
              number(f[3]),
              f[4].trim(),
              number(f[5])));
    }
    return List.copyOf(gpus);
  }

  /** A number, or empty for {@code [N/A]}, {@code [Not Supported]} and the like. */
  private static OptionalInt number(String field) {
    try {
      return OptionalInt.of(Integer.parseInt(field.trim()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
