package io.hyphae.devnet.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Processes the devnet starts to outlive the command that started them: their own session (so a
 * Ctrl-C in the terminal that ran {@code devnet up} does not reach them), stdin from /dev/null,
 * stdout and stderr appended to a log file. They are found again by pid, and a pid counts as ours
 * only while its command line still holds the marker the devnet started it with (a path inside the
 * devnet directory): a pid reused by another program is never signalled.
 */
public final class DetachedProcess {

  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path NULL_DEVICE = Path.of("/dev/null");

  private DetachedProcess() {}

  /**
   * Starts {@code command} detached, its output appended to {@code log}.
   *
   * @param environment replaces the child's environment entirely
   * @return the process's pid
   */
  public static long start(
      List<String> command, Path log, Path workingDir, Map<String, String> environment)
      throws IOException {
    List<String> full = new ArrayList<>();
    // setsid execs the command in place (same pid) when, as here, the caller is not a group leader.
    if (Files.isExecutable(SETSID)) {
      full.add(SETSID.toString());
    }
    full.addAll(command);
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(workingDir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true);
    if (Files.exists(NULL_DEVICE)) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new File(NULL_DEVICE.toString())));
    }
    builder.environment().clear();
    builder.environment().putAll(environment);
    return builder.start().pid();
  }

  /** The live process with this pid, when its command line still contains {@code marker}. */
  public static Optional<ProcessHandle> ours(long pid, String marker) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            handle ->
                commandLine(handle)
                    .map(line -> line.contains(marker))
                    // Without a readable command line we cannot tell: leave it alone.
                    .orElse(false));
  }

  /** Whether our process with this pid is running. */
  public static boolean alive(long pid, String marker) {
    return ours(pid, marker).isPresent();
  }

  /** The process's full command line, as the OS reports it. */
  public static Optional<String> commandLine(ProcessHandle handle) {
    ProcessHandle.Info info = handle.info();
    if (info.command().isEmpty()) {
      return Optional.empty();
    }
    StringBuilder line = new StringBuilder(info.command().get());
    info.arguments().ifPresent(args -> List.of(args).forEach(a -> line.append(' ').append(a)));
    return Optional.of(line.toString());
  }

  /** What {@link #stop} did. */
  public enum Stopped {
    /** It was not running, or the pid now belongs to another program. */
    NOT_RUNNING,
    /** It exited after SIGTERM. */
    TERMINATED,
    /** It ignored SIGTERM for the grace period and was killed. */
    KILLED,
    /** It survived even SIGKILL within the wait (should not happen). */
    STILL_RUNNING
  }

  /**
   * Stops our process: SIGTERM, up to {@code grace} for it to exit, then SIGKILL and a bounded
   * wait. A pid that is not ours is left alone.
   */
  public static Stopped stop(long pid, String marker, Duration grace) {
    Optional<ProcessHandle> handle = ours(pid, marker);
    if (handle.isEmpty()) {
      return Stopped.NOT_RUNNING;
    }
    handle.get().destroy();
    return awaitOrKill(handle.get(), grace);
  }

  /** Waits up to {@code grace} for a signalled process to exit, then SIGKILLs it. */
  public static Stopped awaitOrKill(ProcessHandle process, Duration grace) {
    if (awaitExit(process, grace)) {
      return Stopped.TERMINATED;
    }
    process.destroyForcibly();
    return awaitExit(process, grace) ? Stopped.KILLED : Stopped.STILL_RUNNING;
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !process.isAlive();
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
