package io.hyphae.devnet.local;

import io.hyphae.contracts.config.ConfigException;
import io.hyphae.contracts.config.DevnetInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code devnet down}: stops the processes devnet.json names (the provider nodes first, then anvil,
 * which saves the chain state as it exits), each only while its pid still runs the command the
 * devnet started: SIGTERM, a bounded wait, then SIGKILL. Then removes devnet.json; with {@code
 * clean} also the chain state, keys, configs, journals and logs, so the next {@code up} starts a
 * new chain.
 */
public final class DevnetDown {

  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final DevnetLayout layout;
  private final PrintStream out;

  public DevnetDown(DevnetLayout layout, PrintStream out) {
    this.layout = layout;
    this.out = out;
  }

  /** One process and what stopping it did. */
  public record Stop(String name, long pid, DetachedProcess.Stopped outcome) {}

  /**
   * Stops the devnet; a directory with no running devnet is not an error.
   *
   * @return what was stopped
   * @throws DevnetException when a process survives SIGKILL or devnet.json cannot be read
   */
  public List<Stop> down(boolean clean) {
    if (!Files.isDirectory(layout.dir())) {
      out.println("No devnet in " + layout.dir() + ": nothing to stop");
      return List.of();
    }
    DirectoryLock lock = DirectoryLock.acquire(layout);
    try {
      Optional<DevnetInfo> info;
      try {
        info = DevnetInfo.readIfPresent(layout.devnetJson());
      } catch (ConfigException e) {
        throw new DevnetException(
            e.getMessage()
                + ": cannot tell which processes are the devnet's; stop them by hand"
                + " (see ./hyphae devnet logs) and remove the file",
            e);
      }
      List<Stop> stops = new ArrayList<>();
      if (info.isEmpty()) {
        out.println("No devnet running in " + layout.dir());
      } else {
        stops.addAll(stopAll(info.get()));
        deleteIfExists(layout.devnetJson());
      }
      List<Stop> survivors =
          stops.stream().filter(s -> s.outcome() == DetachedProcess.Stopped.STILL_RUNNING).toList();
      if (!survivors.isEmpty()) {
        throw new DevnetException("these processes survived SIGKILL: " + survivors);
      }
      if (clean) {
        clean();
      } else if (info.isPresent()) {
        out.println(
            "Chain state, keys and journals kept in "
                + layout.dir()
                + ": the next devnet up resumes them (--clean removes them)");
      }
      return stops;
    } finally {
      lock.close();
    }
  }

  private List<Stop> stopAll(DevnetInfo info) {
    List<Stop> stops = new ArrayList<>();
    // SIGTERM every node first, so they stop together, then wait for each in turn.
    Map<String, ProcessHandle> signalled = new LinkedHashMap<>();
    for (DevnetInfo.Provider p : info.providers()) {
      DetachedProcess.ours(p.pid(), layout.nodeMarker(p.name()))
          .ifPresent(
              h -> {
                h.destroy();
                signalled.put(p.name(), h);
              });
    }
    for (DevnetInfo.Provider p : info.providers()) {
      ProcessHandle handle = signalled.get(p.name());
      DetachedProcess.Stopped outcome =
          handle == null
              ? DetachedProcess.Stopped.NOT_RUNNING
              : DetachedProcess.awaitOrKill(handle, STOP_GRACE);
      stops.add(report(p.name(), p.pid(), outcome));
    }
    // anvil last: it saves the chain state as it exits.
    stops.add(
        report(
            "anvil",
            info.anvilPid(),
            DetachedProcess.stop(info.anvilPid(), layout.anvilMarker(), STOP_GRACE)));
    return stops;
  }

  private Stop report(String name, long pid, DetachedProcess.Stopped outcome) {
    String how =
        switch (outcome) {
          case NOT_RUNNING -> "was not running";
          case TERMINATED -> "stopped";
          case KILLED -> "killed after " + STOP_GRACE.toSeconds() + " s";
          case STILL_RUNNING -> "STILL RUNNING after SIGKILL";
        };
    out.printf("  %s (pid %d) %s%n", name, pid, how);
    return new Stop(name, pid, outcome);
  }

  /** Removes exactly the entries a devnet creates, then the directory if that leaves it empty. */
  private void clean() {
    List<Path> entries = new ArrayList<>();
    entries.add(layout.anvilLog());
    entries.add(layout.anvilState());
    entries.add(layout.deployment());
    entries.add(layout.contractsVersion());
    entries.add(layout.passwordFile());
    entries.add(layout.keystoreDir());
    entries.add(layout.demoInput());
    entries.add(layout.demoOutput());
    for (int i = 1; i <= DevnetUp.MAX_PROVIDERS; i++) {
      entries.add(layout.providerDir(i));
    }
    entries.add(layout.lockFile());
    for (Path entry : entries) {
      deleteRecursively(entry);
    }
    try (Stream<Path> rest = Files.list(layout.dir())) {
      if (rest.findAny().isEmpty()) {
        Files.delete(layout.dir());
      }
    } catch (IOException e) {
      // Not empty, or gone already: leave it.
    }
    out.println("Removed the devnet's files from " + layout.dir());
  }

  private static void deleteRecursively(Path path) {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new DevnetException("cannot remove " + path + ": " + e.getMessage(), e);
    }
  }

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new DevnetException("cannot remove " + file + ": " + e.getMessage(), e);
    }
  }
}
