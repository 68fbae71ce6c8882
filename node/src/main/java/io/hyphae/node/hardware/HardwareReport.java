package io.hyphae.node.hardware;

import java.util.List;

/**
 * The machine as a provider advertises it.
 *
 * @param cpuModel the CPU model name, or {@code unknown}
 * @param cpuCores logical cores available to this JVM
 * @param memoryTotalBytes physical memory, 0 if unknown
 * @param memoryAvailableBytes memory available to new work, 0 if unknown
 * @param jvmMaxHeapBytes the JVM's heap limit
 * @param gpus NVIDIA GPUs; empty when there are none or nvidia-smi is absent
 * @param gpuNote why no GPUs are listed, if none are (for people, not for parsing)
 */
public record HardwareReport(
    String cpuModel,
    int cpuCores,
    long memoryTotalBytes,
    long memoryAvailableBytes,
    long jvmMaxHeapBytes,
    List<GpuInfo> gpus,
    String gpuNote) {
  public HardwareReport {
    gpus = List.copyOf(gpus);
  }
}
