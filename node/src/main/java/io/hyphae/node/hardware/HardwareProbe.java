package io.hyphae.node.hardware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds a {@link HardwareReport} from /proc (Linux), the JVM and nvidia-smi. */
public final class HardwareProbe {
  private final Path proc;
  private final NvidiaSmi nvidiaSmi;

  public HardwareProbe() {
    this(Path.of("/proc"), new NvidiaSmi());
  }

  public HardwareProbe(Path proc, NvidiaSmi nvidiaSmi) {
    this.proc = proc;
    this.nvidiaSmi = nvidiaSmi;
  }

  public HardwareReport probe() {
    NvidiaSmi.Result gpus = nvidiaSmi.query();
    return new HardwareReport(
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        meminfo("MemTotal"),
        meminfo("MemAvailable"),
        Runtime.getRuntime().maxMemory(),
        gpus.gpus(),
        gpus.note());
  }

  private String cpuModel() {
    for (String line : lines("cpuinfo")) {
      if (line.startsWith("model name")) {
        int colon = line.indexOf(':');
        return colon < 0 ? "unknown" : line.substring(colon + 1).trim();
      }
    }
    return "unknown";
  }

  /** A /proc/meminfo field in bytes (it reports kB), 0 if absent. */
  private long meminfo(String field) {
    for (String line : lines("meminfo")) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        try {
          return Long.parseLong(parts[0]) * 1024;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  private List<String> lines(String file) {
    try {
      return Files.readAllLines(proc.resolve(file));
    } catch (IOException e) {
      return List.of();
    }
  }
}
