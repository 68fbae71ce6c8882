package io.hyphae.wallet.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The requester's job files: {@code <jobs dir>/<jobId>.json}, one per job, written atomically. The
 * directory is {@code $HYPHAE_JOBS_DIR}, else {@code ~/.hyphae/jobs} (not {@code HYPHAE_HOME}: the
 * launcher uses that name for the repository).
 */
public final class JobStore {

  public static final String DIR_VARIABLE = "HYPHAE_JOBS_DIR";
  private static final long MAX_FILE_BYTES = 16L << 20;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;

  public JobStore(Path dir) {
    this.dir = dir;
  }

  /** {@code $HYPHAE_JOBS_DIR}, else {@code ~/.hyphae/jobs}. */
  public static JobStore fromEnvironment(Map<String, String> environment) {
    String dir = environment.get(DIR_VARIABLE);
    return new JobStore(
        dir != null && !dir.isBlank()
            ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".hyphae", "jobs"));
  }

  public Path dir() {
    return dir;
  }

  public Path file(BigInteger jobId) {
    return dir.resolve(jobId + ".json");
  }

  public void save(JobRecord record) {
    AtomicFiles.write(file(record.id()), out -> out.write(JSON.writeValueAsBytes(record)));
  }

  /**
   * Keeps the canonical output bytes of one accepted result ({@code
   * <jobId>.outputs/a<index>-s<shard> .bin}): the evidence a challenge of that shard gives the
   * committee.
   */
  public void saveOutput(BigInteger jobId, int assignment, int shard, byte[] output) {
    AtomicFiles.write(outputFile(jobId, assignment, shard), out -> out.write(output));
  }

  /** The output kept by {@link #saveOutput}, when there is one. */
  public Optional<byte[]> loadOutput(BigInteger jobId, int assignment, int shard) {
    Path f = outputFile(jobId, assignment, shard);
    try {
      if (Files.size(f) > MAX_FILE_BYTES) {
        throw new IllegalStateException("output file " + f + " is too large");
      }
      return Optional.of(Files.readAllBytes(f));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("output file " + f + " is unreadable: " + e.getMessage(), e);
    }
  }

  private Path outputFile(BigInteger jobId, int assignment, int shard) {
    return dir.resolve(jobId + ".outputs").resolve("a" + assignment + "-s" + shard + ".bin");
  }

  /** The job's record, when this wallet posted it. */
  public Optional<JobRecord> load(BigInteger jobId) {
    Path f = file(jobId);
    try {
      if (Files.size(f) > MAX_FILE_BYTES) {
        throw new IllegalStateException("job file " + f + " is too large");
      }
      return Optional.of(JSON.readValue(Files.readAllBytes(f), JobRecord.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("job file " + f + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** A job id as typed: decimal, or {@code 0x} and hex digits. */
  public static BigInteger parseJobId(String text) {
    try {
      BigInteger id =
          text.startsWith("0x") || text.startsWith("0X")
              ? new BigInteger(text.substring(2), 16)
              : new BigInteger(text);
      if (id.signum() < 0 || id.bitLength() > 256) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a job id: " + text + " (a decimal number, or 0x and hex digits)");
    }
  }
}
