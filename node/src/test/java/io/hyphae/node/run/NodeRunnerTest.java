package io.hyphae.node.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.keys.KdfStrength;
import io.hyphae.contracts.keys.KeystoreDirectory;
import io.hyphae.contracts.keys.KeystoreException;
import io.hyphae.node.config.NodeConfig;
import io.hyphae.node.config.NodeConfigLoader;
import io.hyphae.node.config.NodeOption;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobState;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRunnerTest {

  static final String KEY = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  static final String ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

  @TempDir static Path shared;
  private static Path keystore;
  private static Path passwordFile;

  @TempDir Path dir;

  @BeforeAll
  static void createKey() throws Exception {
    // One key for the class: scrypt is the slow part of these tests.
    keystore =
        new KeystoreDirectory(shared.resolve("ks"))
            .importKey(KEY, "node-pw", KdfStrength.LIGHT)
            .file();
    passwordFile = Files.writeString(shared.resolve("pw"), "node-pw\n");
  }

  private NodeConfig config(Path password) {
    Map<NodeOption, String> flags = new EnumMap<>(NodeOption.class);
    flags.put(NodeOption.DATA_DIR, dir.resolve("data").toString());
    flags.put(NodeOption.KEYSTORE, keystore.toString());
    flags.put(NodeOption.PASSWORD_FILE, password.toString());
    flags.put(NodeOption.ADMIN_PORT, "0");
    flags.put(NodeOption.P2P_PORT, "0");
    flags.put(NodeOption.MODELS, "all-minilm-l6-v2-q");
    return NodeConfigLoader.load(flags, Map.of(), Optional.empty());
  }

  private static HttpResponse<String> get(NodeRunner.RunningNode node, String path)
      throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      URI uri = URI.create("http://127.0.0.1:" + node.adminAddress().getPort() + path);
      return http.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void runsUnlockedWithJournalAndAdminAndStopsInReverseOrder() throws Exception {
    NodeRunner.RunningNode node =
        NodeRunner.start(config(passwordFile), Map.of(), Clock.systemUTC());
    try {
      assertThat(node.address()).isEqualTo(ADDRESS);
      assertThat(node.adminAddress().getAddress().isLoopbackAddress()).isTrue();
      node.journal()
          .upsert(
              new JobKey(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", BigInteger.TEN),
              JobState.ASSIGNED,
              List.of(0, 1))
          .get(30, TimeUnit.SECONDS);

      assertThat(get(node, "/healthz").statusCode()).isEqualTo(200);
      JsonNode status = new ObjectMapper().readTree(get(node, "/status").body());
      assertThat(status.get("address").asText()).isEqualTo(ADDRESS);
      assertThat(status.get("journal").get("pendingJobs").asInt()).isEqualTo(1);
      assertThat(status.get("models").get(0).asText()).isEqualTo("all-minilm-l6-v2-q");
      assertThat(status.get("services").get("bidder").asText()).startsWith("off");
      assertThat(status.get("peerId").asText()).startsWith("16Uiu2HA");
      assertThat(status.get("listenAddresses").get(0).asText())
          .startsWith("/ip4/127.0.0.1/tcp/")
          .endsWith("/p2p/" + status.get("peerId").asText());
      assertThat(status.get("services").get("p2p").asText()).startsWith("running");
      assertThat(get(node, "/metrics").body())
          .contains("hyphae_node_info{address=\"" + ADDRESS + "\"} 1")
          .contains("hyphae_journal_transactions_total 1.0");
    } finally {
      node.close();
    }
    assertThat(node.shutdown().stopped())
        .containsExactly(
            "admin HTTP server",
            "market discovery",
            "libp2p host",
            "inference engine",
            "job journal");
    // The admin port is free again.
    try (ServerSocket again = new ServerSocket(node.adminAddress().getPort())) {
      assertThat(again.isBound()).isTrue();
    }
  }

  @Test
  void aRestartedNodeFindsItsPendingJobs() throws Exception {
    JobKey job = new JobKey(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", BigInteger.ONE);
    try (NodeRunner.RunningNode first =
        NodeRunner.start(config(passwordFile), Map.of(), Clock.systemUTC())) {
      first.journal().upsert(job, JobState.ASSIGNED, List.of(3)).get(30, TimeUnit.SECONDS);
    }

    try (NodeRunner.RunningNode second =
        NodeRunner.start(config(passwordFile), Map.of(), Clock.systemUTC())) {
      assertThat(second.journal().pendingJobs(10).get(30, TimeUnit.SECONDS))
          .singleElement()
          .satisfies(record -> assertThat(record.key()).isEqualTo(job));
    }
  }

  @Test
  void aWrongPasswordStartsNothing() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "not-it\n");

    assertThatThrownBy(() -> NodeRunner.start(config(wrong), Map.of(), Clock.systemUTC()))
        .isInstanceOfSatisfying(
            KeystoreException.class,
            e -> assertThat(e.kind()).isEqualTo(KeystoreException.Kind.WRONG_PASSWORD));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aTakenAdminPortStopsTheJournalAgain() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Map<NodeOption, String> flags = new EnumMap<>(config(passwordFile).toValues());
      flags.put(NodeOption.ADMIN_PORT, Integer.toString(taken.getLocalPort()));
      NodeConfig config = NodeConfigLoader.load(flags, Map.of(), Optional.empty());

      assertThatThrownBy(() -> NodeRunner.start(config, Map.of(), Clock.systemUTC()))
          .isInstanceOf(java.io.IOException.class);
    }
    // The journal was closed again: another node can open it at once.
    try (NodeRunner.RunningNode node =
        NodeRunner.start(config(passwordFile), Map.of(), Clock.systemUTC())) {
      assertThat(node.journal().pendingJobs(1).get(30, TimeUnit.SECONDS)).isEmpty();
    }
  }
}
