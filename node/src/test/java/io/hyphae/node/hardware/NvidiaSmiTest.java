package io.hyphae.node.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiTest {
  /** Recorded from `nvidia-smi --query-gpu=<QUERY> --format=csv,noheader,nounits` shapes. */
  static final String TWO_GPUS =
      """
      0, NVIDIA H100 80GB HBM3, 81559, 1, 580.95.05, 0
      1, NVIDIA GeForce RTX 4090, 24564, 1234, 580.95.05, [N/A]
      """;

  @Test
  void parsesRecordedOutputIncludingNotAvailableFields() {
    List<GpuInfo> gpus = NvidiaSmi.parse(TWO_GPUS);
    assertThat(gpus).hasSize(2);
    assertThat(gpus.get(0))
        .isEqualTo(
            new GpuInfo(
                0,
                "NVIDIA H100 80GB HBM3",
                81559,
                OptionalInt.of(1),
                "580.95.05",
                OptionalInt.of(0)));
    assertThat(gpus.get(1).utilizationPercent()).isEmpty();
    assertThat(gpus.get(1).memoryUsedMiB()).hasValue(1234);
  }

  @Test
  void skipsMalformedLines() {
    assertThat(NvidiaSmi.parse("garbage\n\n0, x\nfoo, GPU, 1, 1, d, 1\n")).isEmpty();
  }

  @Test
  void anAbsentNvidiaSmiMeansNoGpusQuietly() {
    NvidiaSmi.Result result =
        new NvidiaSmi(List.of("/nonexistent/nvidia-smi-for-tests"), 5_000).query();
    assertThat(result.gpus()).isEmpty();
    assertThat(result.note()).contains("not found");
  }

  @Test
  void aFailingDriverAndARecordedRunAreHandled(@TempDir Path dir) throws Exception {
    Path failing = dir.resolve("failing.sh");
    Files.writeString(
        failing,
        "#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA"
            + " driver.'\nexit 9\n");
    failing.toFile().setExecutable(true);
    NvidiaSmi.Result failed = new NvidiaSmi(List.of(failing.toString()), 5_000).query();
    assertThat(failed.gpus()).isEmpty();
    assertThat(failed.note()).contains("exited 9");

    Path recorded = dir.resolve("recorded.sh");
    Files.writeString(recorded, "#!/bin/sh\ncat <<'EOF'\n" + TWO_GPUS + "EOF\n");
    recorded.toFile().setExecutable(true);
    assertThat(new NvidiaSmi(List.of(recorded.toString()), 5_000).query().gpus()).hasSize(2);
  }

  @Test
  void theProbeReportsThisMachine() {
    HardwareReport report = new HardwareProbe().probe();
    assertThat(report.cpuCores()).isPositive();
    assertThat(report.jvmMaxHeapBytes()).isPositive();
  }
}
