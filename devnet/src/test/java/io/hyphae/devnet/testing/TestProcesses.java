package io.hyphae.devnet.testing;

import io.hyphae.devnet.local.DetachedProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The processes a devnet test started, found by their directory, and free loopback ports. */
public final class TestProcesses {

  private TestProcesses() {}

  /** Live processes whose command line names a path under {@code dir}. */
  public static List<ProcessHandle> under(Path dir) {
    String marker = dir.toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(h -> DetachedProcess.commandLine(h).map(c -> c.contains(marker)).orElse(false))
        .toList();
  }

  /** SIGKILLs every process under {@code dir} and waits (bounded) for each. */
  public static void killAllUnder(Path dir) {
    under(dir).forEach(TestProcesses::kill);
  }

  /** SIGKILL, then up to 10 s for the process to go. */
  public static void kill(ProcessHandle handle) {
    handle.destroyForcibly();
    try {
      handle.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Reported by the assertion that finds it still running.
    }
  }

  /** A port free on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
    }
  }

  /** Whether the pid runs (false for 0 and for processes that are gone). */
  public static boolean alive(long pid) {
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
