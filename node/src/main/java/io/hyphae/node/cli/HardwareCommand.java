package io.hyphae.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.node.hardware.GpuInfo;
import io.hyphae.node.hardware.HardwareProbe;
import io.hyphae.node.hardware.HardwareReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyphae node hardware}: CPU, memory and GPUs of this machine. */
@Command(
    name = "hardware",
    mixinStandardHelpOptions = true,
    description = "Prints this machine's CPU, memory and NVIDIA GPUs.")
public final class HardwareCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    HardwareReport report = new HardwareProbe().probe();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(toJson(report)));
    } else {
      out.printf("CPU      %s, %d cores%n", report.cpuModel(), report.cpuCores());
      out.printf(
          "memory   %.1f GiB total, %.1f GiB available (JVM heap limit %.1f GiB)%n",
          gib(report.memoryTotalBytes()),
          gib(report.memoryAvailableBytes()),
          gib(report.jvmMaxHeapBytes()));
      if (report.gpus().isEmpty()) {
        out.println("GPUs     none (" + report.gpuNote() + ")");
      }
      for (GpuInfo gpu : report.gpus()) {
        out.printf(
            "GPU %d    %s, %d MiB (%s used), driver %s, utilisation %s%n",
            gpu.index(),
            gpu.name(),
            gpu.memoryTotalMiB(),
            gpu.memoryUsedMiB().isPresent() ? gpu.memoryUsedMiB().getAsInt() + " MiB" : "n/a",
            gpu.driverVersion(),
            gpu.utilizationPercent().isPresent()
                ? gpu.utilizationPercent().getAsInt() + "%"
                : "n/a");
      }
    }
    out.flush();
    return 0;
  }

  static ObjectNode toJson(HardwareReport report) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("cpuModel", report.cpuModel());
    root.put("cpuCores", report.cpuCores());
    root.put("memoryTotalBytes", report.memoryTotalBytes());
    root.put("memoryAvailableBytes", report.memoryAvailableBytes());
    root.put("jvmMaxHeapBytes", report.jvmMaxHeapBytes());
    ArrayNode gpus = root.putArray("gpus");
    for (GpuInfo gpu : report.gpus()) {
      ObjectNode g = gpus.addObject();
      g.put("index", gpu.index());
      g.put("name", gpu.name());
      g.put("memoryTotalMiB", gpu.memoryTotalMiB());
      if (gpu.memoryUsedMiB().isPresent()) {
        g.put("memoryUsedMiB", gpu.memoryUsedMiB().getAsInt());
      }
      g.put("driverVersion", gpu.driverVersion());
      if (gpu.utilizationPercent().isPresent()) {
        g.put("utilizationPercent", gpu.utilizationPercent().getAsInt());
      }
    }
    if (report.gpus().isEmpty()) {
      root.put("gpuNote", report.gpuNote());
    }
    return root;
  }

  private static double gib(long bytes) {
    return bytes / (1024.0 * 1024 * 1024);
  }
}
