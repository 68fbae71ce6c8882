package io.hyphae.node.hardware;

import java.util.OptionalInt;

/**
 * One NVIDIA GPU.
 *
 * @param memoryTotalMiB total memory in MiB
 * @param memoryUsedMiB used memory in MiB, if reported
 * @param utilizationPercent GPU utilisation, if reported ({@code [N/A]} on some GPUs)
 */
public record GpuInfo(
    int index,
    String name,
    long memoryTotalMiB,
    OptionalInt memoryUsedMiB,
    String driverVersion,
    OptionalInt utilizationPercent) {}
