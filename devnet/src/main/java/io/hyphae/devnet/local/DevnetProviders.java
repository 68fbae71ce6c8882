package io.hyphae.devnet.local;

import io.hyphae.contracts.config.ConfigException;
import io.hyphae.contracts.config.DevnetInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code devnet provider stop|start N}: one provider node of a running devnet stopped (gracefully,
 * or killed like a crash) and started again exactly as {@code up} started it — the same config
 * file, so the same data directory and job journal, keystore, price and ports. devnet.json follows:
 * a stopped provider's pid is 0, a started one's its new pid.
 */
public final class DevnetProviders {

  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path hyphaeRoot;
  private final DevnetLayout layout;
  private final Map<String, String> environment;
  private final PrintStream out;

  public DevnetProviders(
      Path hyphaeRoot, DevnetLayout layout, Map<String, String> environment, PrintStream out) {
    this.hyphaeRoot = hyphaeRoot;
    this.layout = layout;
    this.environment = Map.copyOf(environment);
    this.out = out;
  }

  /** The provider's name for a command-line argument: {@code 2} or {@code provider-2}. */
  public static String name(String argument) {
    String a = argument.strip().toLowerCase(Locale.ROOT);
    String digits = a.startsWith("provider-") ? a.substring("provider-".length()) : a;
    int index;
    try {
      index = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a provider is a number 1.."
              + DevnetUp.MAX_PROVIDERS
              + " or provider-N, got "
              + argument);
    }
    if (index < 1 || index > DevnetUp.MAX_PROVIDERS) {
      throw new IllegalArgumentException(
          "a provider is a number 1.." + DevnetUp.MAX_PROVIDERS + ", got " + argument);
    }
    return DevnetLayout.providerName(index);
  }

  /**
   * Stops one provider's node: SIGTERM and up to 10 s before SIGKILL, or with {@code kill} SIGKILL
   * at once (a crash: the node gets no chance to stop cleanly). Its pid in devnet.json becomes 0.
   *
   * @return what stopping did ({@code NOT_RUNNING} when it had stopped already)
   * @throws DevnetException when no devnet runs, it has no such provider, or the node survives
   *     SIGKILL
   */
  public DetachedProcess.Stopped stop(String name, boolean kill) {
    DirectoryLock lock = DirectoryLock.acquire(layout);
    try {
      DevnetInfo info = running();
      DevnetInfo.Provider provider = provider(info, name);
      DetachedProcess.Stopped outcome;
      Optional<ProcessHandle> handle =
          DetachedProcess.ours(provider.pid(), layout.nodeMarker(name));
      if (handle.isEmpty()) {
        outcome = DetachedProcess.Stopped.NOT_RUNNING;
      } else if (kill) {
        handle.get().destroyForcibly();
        outcome =
            NodeProcesses.exitsWithin(handle.get(), STOP_GRACE)
                ? DetachedProcess.Stopped.KILLED
                : DetachedProcess.Stopped.STILL_RUNNING;
      } else {
        handle.get().destroy();
        outcome = DetachedProcess.awaitOrKill(handle.get(), STOP_GRACE);
      }
      if (outcome == DetachedProcess.Stopped.STILL_RUNNING) {
        throw new DevnetException(
            name + " (pid " + provider.pid() + ") is still running after SIGKILL");
      }
      withPid(info, name, 0).write(layout.devnetJson());
      out.printf(
          "%s (pid %d) %s%n",
          name,
          provider.pid(),
          switch (outcome) {
            case NOT_RUNNING -> "was not running";
            case TERMINATED -> "stopped";
            case KILLED ->
                kill ? "killed (SIGKILL)" : "killed after " + STOP_GRACE.toSeconds() + " s";
            case STILL_RUNNING -> "still running";
          });
      return outcome;
    } finally {
      lock.close();
    }
  }

  /**
   * Starts a stopped provider's node again with its config file and waits (up to 120 s) until it is
   * healthy; it resumes the jobs its journal says it owes.
   *
   * @return the devnet with the provider's new pid
   * @throws DevnetException when no devnet runs, the provider runs already, the chain is down, or
   *     the node does not become healthy (it is stopped again)
   */
  public DevnetInfo start(String name) {
    DirectoryLock lock = DirectoryLock.acquire(layout);
    try {
      DevnetInfo info = running();
      DevnetInfo.Provider provider = provider(info, name);
      if (DetachedProcess.alive(provider.pid(), layout.nodeMarker(name))) {
        throw new DevnetException(
            name
                + " is already running (pid "
                + provider.pid()
                + "): ./hyphae devnet provider stop "
                + index(name)
                + " first");
      }
      if (!DetachedProcess.alive(info.anvilPid(), layout.anvilMarker())) {
        throw new DevnetException(
            "the devnet's chain (anvil pid "
                + info.anvilPid()
                + ") is not running: ./hyphae devnet down, then up");
      }
      NodeProcesses nodes = new NodeProcesses(hyphaeRoot, layout, environment, out);
      long pid;
      try {
        pid = nodes.start(index(name));
      } catch (IOException e) {
        throw new DevnetException("cannot start " + name + ": " + e.getMessage(), e);
      }
      DevnetInfo started = withPid(info, name, pid);
      // Recorded at once, so down finds the node even if this command dies while it starts.
      started.write(layout.devnetJson());
      try {
        nodes.awaitHealthy(provider(started, name));
      } catch (RuntimeException e) {
        DetachedProcess.stop(pid, layout.nodeMarker(name), STOP_GRACE);
        withPid(info, name, 0).write(layout.devnetJson());
        throw e;
      }
      return started;
    } finally {
      lock.close();
    }
  }

  private DevnetInfo running() {
    try {
      return DevnetInfo.readIfPresent(layout.devnetJson())
          .orElseThrow(
              () ->
                  new DevnetException(
                      "No devnet running in "
                          + layout.dir()
                          + " (start one with ./hyphae devnet up)"));
    } catch (ConfigException e) {
      throw new DevnetException(e.getMessage(), e);
    }
  }

  private static DevnetInfo.Provider provider(DevnetInfo info, String name) {
    return info.providers().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new DevnetException(
                    "this devnet has no "
                        + name
                        + " (it has "
                        + String.join(
                            ", ", info.providers().stream().map(DevnetInfo.Provider::name).toList())
                        + ")"));
  }

  private static int index(String name) {
    return Integer.parseInt(name.substring("provider-".length()));
  }

  /** The devnet with one provider's pid replaced (0: stopped). */
  static DevnetInfo withPid(DevnetInfo info, String name, long pid) {
    List<DevnetInfo.Provider> providers = new ArrayList<>();
    for (DevnetInfo.Provider p : info.providers()) {
      providers.add(
          p.name().equals(name)
              ? new DevnetInfo.Provider(
                  p.name(),
                  p.address(),
                  p.peerId(),
                  p.multiaddr(),
                  p.adminUrl(),
                  pid,
                  p.logFile(),
                  p.dataDir())
              : p);
    }
    return new DevnetInfo(
        info.version(),
        info.rpcUrl(),
        info.chainId(),
        info.contracts(),
        info.models(),
        info.profiles(),
        info.requesterKeystore(),
        info.anvilPid(),
        providers);
  }
}
