package io.hyphae.devnet.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.devnet.testing.DevnetCli;
import io.hyphae.devnet.testing.TestProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code devnet up/status/logs/down} for real: anvil and two node processes in a temp dir. */
class DevnetIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();

  @TempDir Path temp;

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @AfterEach
  void stopEverythingLeft() {
    // Backup for a failed assertion: nothing the test started may outlive it.
    TestProcesses.killAllUnder(temp);
  }

  @Test
  void upStatusLogsDownRunAndStopARealDevnet() throws Exception {
    DevnetLayout layout = new DevnetLayout(temp.resolve("devnet"));
    int port = TestProcesses.freePort();
    DevnetInfo info =
        new DevnetUp(ROOT, layout, System.getenv(), out)
            .up(
                new DevnetUp.Options(
                    2, port, BigInteger.valueOf(5000), List.of("all-MiniLM-L6-v2-q"), false));

    DevnetInfo written = DevnetInfo.read(layout.devnetJson());
    assertThat(written).isEqualTo(info);
    assertThat(written.rpcUrl()).isEqualTo("http://127.0.0.1:" + port);
    assertThat(written.chainId()).isEqualTo(31337);
    assertThat(written.contracts()).containsKeys("ProviderRegistry", "JobMarket");
    assertThat(written.models()).containsKeys("all-MiniLM-L6-v2-q", "all-minilm-l6-v2-q");
    assertThat(written.profiles()).containsKey("cpu-det-v1");
    assertThat(written.providers()).hasSize(2);
    assertThat(ProcessHandle.of(written.anvilPid()).map(ProcessHandle::isAlive)).contains(true);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.passwordFile())))
        .isEqualTo("rw-------");
    assertThat(Path.of(written.requesterKeystore())).isRegularFile();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (DevnetInfo.Provider p : written.providers()) {
      assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive)).contains(true);
      assertThat(p.multiaddr()).endsWith("/p2p/" + p.peerId());
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create(p.adminUrl() + "/healthz"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Files.readString(layout.providerDir(1).resolve("node.conf")))
          .contains("confirmations = 0")
          .contains("price-per-shard-wei = 5000");
    }

    // A second up on the same directory refuses while this one runs.
    assertThatThrownBy(
            () -> new DevnetUp(ROOT, layout, System.getenv(), out).up(DevnetUp.Options.defaults()))
        .isInstanceOf(DevnetException.class)
        .hasMessageContaining("a devnet is already running in " + layout.dir());

    DevnetCli.Run status = DevnetCli.run("status", "--json", "--dir", layout.dir().toString());
    assertThat(status.code()).as(status.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(status.out());
    assertThat(report.path("healthy").asBoolean()).as(status.out()).isTrue();
    assertThat(report.path("chain").path("blockNumber").asLong()).isPositive();
    assertThat(report.path("providers")).hasSize(2);
    for (JsonNode p : report.path("providers")) {
      assertThat(p.path("registered").asBoolean()).isTrue();
      assertThat(p.path("stakeWei").asText()).isEqualTo(DevnetUp.STAKE_WEI.toString());
      assertThat(p.path("freeStakeWei").asText()).isEqualTo(DevnetUp.STAKE_WEI.toString());
      assertThat(p.path("withdrawableWei").asText()).isEqualTo("0");
      assertThat(p.path("health").asText()).isEqualTo("ok");
    }

    DevnetCli.Run logs =
        DevnetCli.run("logs", "provider-2", "--lines", "20", "--dir", layout.dir().toString());
    assertThat(logs.code()).as(logs.err()).isZero();
    assertThat(logs.out()).contains("==> provider-2").contains("running");
    DevnetCli.Run allLogs = DevnetCli.run("logs", "--dir", layout.dir().toString());
    assertThat(allLogs.out()).contains("==> anvil").contains("==> provider-1");

    DevnetCli.Run down = DevnetCli.run("down", "--dir", layout.dir().toString());
    assertThat(down.code()).as(down.err()).isZero();
    assertThat(down.out()).contains("anvil (pid " + written.anvilPid() + ") stopped");
    assertThat(ProcessHandle.of(written.anvilPid()).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    for (DevnetInfo.Provider p : written.providers()) {
      assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive))
          .isNotEqualTo(java.util.Optional.of(true));
    }
    assertThat(TestProcesses.under(temp)).isEmpty();
    assertThat(layout.devnetJson()).doesNotExist();
    assertThat(layout.anvilState()).as("anvil saves its state on SIGTERM").isRegularFile();

    DevnetCli.Run stopped = DevnetCli.run("status", "--dir", layout.dir().toString());
    assertThat(stopped.code()).isEqualTo(1);
    assertThat(stopped.out()).contains("No devnet running");

    DevnetCli.Run clean = DevnetCli.run("down", "--clean", "--dir", layout.dir().toString());
    assertThat(clean.code()).as(clean.err()).isZero();
    assertThat(layout.dir()).doesNotExist();
  }

  @Test
  void aNodeThatCannotStartStopsEverythingUpStarted() throws Exception {
    DevnetLayout layout = new DevnetLayout(temp.resolve("broken"));
    Map<String, String> environment = new HashMap<>(System.getenv());
    // Every node JVM refuses to start with this; anvil ignores it.
    environment.put("JAVA_TOOL_OPTIONS", "-XX:+NoSuchHyphaeTestFlag");

    assertThatThrownBy(
            () ->
                new DevnetUp(ROOT, layout, environment, out)
                    .up(
                        new DevnetUp.Options(
                            2,
                            TestProcesses.freePort(),
                            BigInteger.ONE,
                            List.of("all-minilm-l6-v2-q"),
                            false)))
        .isInstanceOf(DevnetException.class)
        .hasMessageContaining("exited while starting")
        .hasMessageContaining("NoSuchHyphaeTestFlag")
        .hasMessageContaining("stopped what it had started")
        .hasMessageContaining("anvil pid");

    assertThat(TestProcesses.under(temp)).isEmpty();
    assertThat(layout.devnetJson()).doesNotExist();
  }

  @Test
  void aTakenPortFailsBeforeAnythingStarts() throws Exception {
    DevnetLayout layout = new DevnetLayout(temp.resolve("taken"));
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      assertThatThrownBy(
              () ->
                  new DevnetUp(ROOT, layout, System.getenv(), out)
                      .up(
                          new DevnetUp.Options(
                              2,
                              taken.getLocalPort(),
                              BigInteger.ONE,
                              List.of("all-minilm-l6-v2-q"),
                              false)))
          .isInstanceOf(DevnetException.class)
          .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
    }
    assertThat(TestProcesses.under(temp)).isEmpty();
    assertThat(layout.devnetJson()).doesNotExist();
  }
}
