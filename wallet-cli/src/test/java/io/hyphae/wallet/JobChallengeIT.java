package io.hyphae.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.chain.Anvil;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketDeployer;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.keys.KdfStrength;
import io.hyphae.contracts.keys.KeystoreFiles;
import io.hyphae.contracts.market.ProviderInfo;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * A failed spot check ends in a challenge, end to end on anvil: one provider delivers wrong (but
 * internally consistent) outputs, an honest provider's re-run exposes it, {@code job submit}
 * challenges the shard, gives both committee members (real libp2p hosts) the evidence, waits for
 * their votes, and ends with the provider slashed and the requester refunded. Short voting and
 * reveal periods (5 s) keep the run lean.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobChallengeIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = BigInteger.TEN.pow(16);
  private static final BigInteger STAKE = ETHER.multiply(BigInteger.TWO);
  private static final String MODEL = "0x" + "ab".repeat(32);
  private static final String PROFILE = "0x" + "cd".repeat(32);

  private Anvil anvil;
  private ChainConnection chain;
  private Deployment deployment;
  private final List<TestProvider> providers = new ArrayList<>();
  private Credentials requester;

  @TempDir Path root;

  @BeforeAll
  void start() throws Exception {
    anvil = Anvil.start(Anvil.binary(ROOT), List.of(), TIMEOUT);
    chain = ChainConnection.open(anvil.rpcUrl(), TIMEOUT);
    DevnetAccounts accounts = new DevnetAccounts();
    // Two members: every provider but the challenged one sits on the committee.
    MarketConfig config =
        new MarketConfig(
            ETHER,
            Duration.ofDays(1),
            ETHER.divide(BigInteger.TEN),
            ETHER.divide(BigInteger.valueOf(100)),
            2,
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    deployment =
        new MarketDeployer(new TransactionSender(chain, accounts.account(0), TIMEOUT))
            .deploy(config)
            .deployment();
    for (int i = 1; i <= 3; i++) {
      Credentials key = accounts.account(i);
      MarketClient client =
          new MarketClient(new TransactionSender(chain, key, TIMEOUT), deployment);
      TestProvider p =
          new TestProvider(
              "provider-" + i,
              key,
              client,
              PRICE,
              i == 1 ? TestProvider.Behaviour.WRONG : TestProvider.Behaviour.HONEST);
      providers.add(p);
      p.market().register(p.peerId().toBytes(), STAKE);
    }
    requester = accounts.account(9);
  }

  @AfterAll
  void stop() throws Exception {
    for (TestProvider p : providers) {
      p.close();
    }
    if (chain != null) {
      chain.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  @Test
  void challengesAWrongShardAndEndsWithTheProviderSlashedAndTheRequesterRefunded()
      throws Exception {
    Path dir = devnet(root.resolve("challenge"));
    Path input = dir.resolve("rows.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      sb.append("\"row ").append(i).append("\"\n");
    }
    Files.writeString(input, sb.toString());
    Path out = dir.resolve("results.jsonl");
    Map<String, String> env = Map.of("HYPHAE_JOBS_DIR", dir.resolve("jobs").toString());
    TestProvider wrong = providers.get(0);
    wrong.behave(TestProvider.Behaviour.WRONG);
    ProviderInfo before = wrong.market().provider(wrong.account());

    WalletRun run =
        WalletRun.run(
            dir,
            env,
            "",
            "job",
            "submit",
            "--input",
            input.toString(),
            "--model",
            "test-model",
            "--shards",
            "3",
            "--max-price",
            "0.02eth",
            "--out",
            out.toString(),
            "--bid-window",
            "5",
            "--challenge-window",
            "15",
            "--spot-checks",
            "1",
            "--json");

    // Every shard verified and paid, or challenged and upheld: the requester was made whole.
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.out());
    assertThat(summary.get("verification").asText()).isEqualTo("failed");
    int badShard = -1;
    int badIndex = -1;
    for (JsonNode a : summary.get("assignments")) {
      if (a.get("provider").asText().equals(wrong.account())) {
        assertThat(a.get("status").asText()).isEqualTo("Slashed");
        badShard = Integer.parseInt(a.get("shards").asText().replace("shard ", ""));
        badIndex = a.get("index").asInt();
      } else {
        assertThat(a.get("status").asText()).isEqualTo("Finalized");
      }
    }
    assertThat(badShard).as(run.err()).isNotNegative();

    JsonNode challenge = summary.get("challenges").get(0);
    assertThat(summary.get("challenges")).hasSize(1);
    assertThat(challenge.get("shard").asInt()).isEqualTo(badShard);
    assertThat(challenge.get("assignment").asInt()).isEqualTo(badIndex);
    assertThat(challenge.get("state").asText()).isEqualTo("RESOLVED");
    assertThat(challenge.get("verdict").asText()).isEqualTo("Upheld");
    assertThat(challenge.get("slashed").asText()).isEqualTo(PRICE.toString());
    assertThat(challenge.get("refund").asText()).isEqualTo(PRICE.toString());
    assertThat(challenge.get("bondReturned").asBoolean()).isTrue();
    assertThat(challenge.get("revealed").asInt()).isEqualTo(2);
    Set<String> members = new HashSet<>();
    challenge.get("members").forEach(m -> members.add(m.asText()));
    assertThat(members)
        .containsExactlyInAnyOrder(providers.get(1).account(), providers.get(2).account());
    for (JsonNode e : challenge.get("evidence")) {
      assertThat(e.get("status").asText()).as(e.toString()).isEqualTo("ACCEPTED");
    }

    // The evidence reached both members, checked out against the chain, and both voted upheld.
    String id = challenge.get("challengeId").asText();
    for (TestProvider member : providers.subList(1, 3)) {
      assertThat(member.evidence()).as(member.name()).contains(id + ": upheld");
    }

    // The provider's stake was slashed by its collateral; the requester got its refund.
    ProviderInfo slashed = wrong.market().provider(wrong.account());
    assertThat(slashed.stake()).isEqualTo(before.stake().subtract(PRICE));
    assertThat(slashed.timesSlashed()).isEqualTo(before.timesSlashed() + 1);
    assertThat(wrong.market().withdrawable(requester.getAddress())).isZero();
    BigInteger spent =
        new BigInteger(summary.get("balanceBefore").asText())
            .subtract(new BigInteger(summary.get("balanceAfter").asText()));
    // Paid the two good shards and gas: the bad shard's price came back (with a share of the pool).
    assertThat(spent)
        .isLessThan(PRICE.multiply(BigInteger.TWO).add(ETHER.divide(BigInteger.valueOf(200))));

    // No row of the bad shard in the output; the others are the honest embeddings.
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(4);
    for (String line : lines) {
      JsonNode row = new ObjectMapper().readTree(line);
      assertThat(row.get("shard").asInt()).isNotEqualTo(badShard);
      float[] expected = TestProvider.embed("row " + row.get("row").asInt());
      assertThat((float) row.get("embedding").get(0).asDouble()).isEqualTo(expected[0]);
    }

    // The job file records the challenge; status shows it from the chain.
    String jobId = summary.get("jobId").asText();
    JsonNode file =
        new ObjectMapper().readTree(dir.resolve("jobs").resolve(jobId + ".json").toFile());
    assertThat(file.get("state").asText()).isEqualTo("FINALIZED");
    assertThat(file.get("challenges").get(0).get("challengeId").asText()).isEqualTo(id);
    assertThat(file.get("challenges").get(0).get("verdict").asText()).isEqualTo("Upheld");
    WalletRun status = WalletRun.run(dir, env, "", "job", "status", jobId, "--json");
    assertThat(status.exitCode()).as(status.err()).isZero();
    JsonNode st = new ObjectMapper().readTree(status.out());
    assertThat(st.get("final").asBoolean()).isTrue();
    JsonNode onChain = st.get("challenges").get(0);
    assertThat(onChain.get("verdict").asText()).isEqualTo("Upheld");
    assertThat(onChain.get("committed")).hasSize(2);
    assertThat(onChain.get("revealed")).hasSize(2);
    WalletRun human = WalletRun.run(dir, env, "", "job", "status", jobId);
    assertThat(human.out()).contains("challenge " + id).contains("Upheld").contains("Slashed");
    providers.forEach(p -> assertThat(p.failures()).as(p.name()).isEmpty());
  }

  @Test
  void challengesByHandAndWaitsForTheVerdict() throws Exception {
    Path dir = devnet(root.resolve("manual"));
    Path input = dir.resolve("rows.jsonl");
    Files.writeString(input, "\"x\"\n\"y\"\n\"z\"\n");
    Map<String, String> env = Map.of("HYPHAE_JOBS_DIR", dir.resolve("jobs").toString());
    TestProvider wrong = providers.get(0);
    wrong.behave(TestProvider.Behaviour.WRONG);

    // No spot checks, so nothing is challenged automatically; the window stays open.
    WalletRun run =
        WalletRun.run(
            dir,
            env,
            "",
            "job",
            "submit",
            "--input",
            input.toString(),
            "--model",
            "test-model",
            "--shards",
            "3",
            "--max-price",
            "0.02eth",
            "--bid-window",
            "5",
            "--challenge-window",
            "120",
            "--spot-checks",
            "0",
            "--no-wait",
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.out());
    String jobId = summary.get("jobId").asText();
    int shard = -1;
    for (JsonNode a : summary.get("assignments")) {
      if (a.get("provider").asText().equals(wrong.account())) {
        shard = Integer.parseInt(a.get("shards").asText().replace("shard ", ""));
      }
    }
    assertThat(shard).as(run.err()).isNotNegative();

    WalletRun challenge =
        WalletRun.run(
            dir,
            env,
            "",
            "job",
            "challenge",
            jobId,
            "--shard",
            String.valueOf(shard),
            "--wait",
            "--json");

    assertThat(challenge.exitCode()).as(challenge.err()).isZero();
    JsonNode c = new ObjectMapper().readTree(challenge.out());
    assertThat(c.get("verdict").asText()).isEqualTo("Upheld");
    assertThat(c.get("evidence").toString()).doesNotContain("REFUSED").doesNotContain("NO_ADDRESS");
    assertThat(c.get("bondReturned").asBoolean()).isTrue();
    assertThat(wrong.market().withdrawable(requester.getAddress())).isZero();
    WalletRun status = WalletRun.run(dir, env, "", "job", "status", jobId);
    assertThat(status.out()).contains("Upheld").contains("revealed 2 of 2");
  }

  @Test
  void demandsTheLeafOfAWithheldShardAndSlashesTheProviderThatDoesNotAnswer() throws Exception {
    Path dir = devnet(root.resolve("withheld"));
    Path input = dir.resolve("rows.jsonl");
    Files.writeString(input, "\"a\"\n\"b\"\n");
    Map<String, String> env = Map.of("HYPHAE_JOBS_DIR", dir.resolve("jobs").toString());
    TestProvider withholder = providers.get(0);
    withholder.behave(TestProvider.Behaviour.WITHHOLD);
    ProviderInfo before = withholder.market().provider(withholder.account());
    try {
      WalletRun run =
          WalletRun.run(
              dir,
              env,
              "",
              "job",
              "submit",
              "--input",
              input.toString(),
              "--model",
              "test-model",
              "--shards",
              "1",
              "--max-price",
              "0.02eth",
              "--providers",
              withholder.multiaddr(),
              "--challenge-window",
              "15");

      // No output (nothing was delivered), but the requester was credited payment and collateral.
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .contains("committed a root but delivered no result for shards [0]")
          .contains("demanded the leaf of shard 0")
          .contains("did not answer the leaf demand: slashed, 0.02 ETH")
          .contains("incomplete");
      ProviderInfo after = withholder.market().provider(withholder.account());
      assertThat(after.stake()).isEqualTo(before.stake().subtract(PRICE));
      assertThat(after.timesSlashed()).isEqualTo(before.timesSlashed() + 1);
      assertThat(withholder.market().withdrawable(requester.getAddress())).isZero();

      try (var files = Files.list(dir.resolve("jobs"))) {
        Path file = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        JsonNode record = new ObjectMapper().readTree(file.toFile());
        JsonNode demand = record.get("demands").get(0);
        assertThat(demand.get("state").asText()).isEqualTo("WITHHELD");
        assertThat(demand.get("shard").asInt()).isZero();
        assertThat(demand.get("credited").asText()).isEqualTo(PRICE.add(PRICE).toString());
        String jobId = record.get("jobId").asText();
        WalletRun status = WalletRun.run(dir, env, "", "job", "status", jobId, "--json");
        JsonNode st = new ObjectMapper().readTree(status.out());
        assertThat(st.get("assignments").get(0).get("status").asText()).isEqualTo("Slashed");
        assertThat(st.get("final").asBoolean()).isTrue();
      }
    } finally {
      withholder.behave(TestProvider.Behaviour.WRONG);
    }
  }

  /** A devnet file naming the chain, contracts, hashes, the requester's keystore, providers. */
  private Path devnet(Path dir) throws Exception {
    Path devnetDir = dir.resolve(".devnet");
    Path keystore =
        KeystoreFiles.write(
            devnetDir.resolve("keystore"), requester.getEcKeyPair(), "secret", KdfStrength.LIGHT);
    Files.writeString(devnetDir.resolve("password"), "secret\n");
    List<DevnetInfo.Provider> list = new ArrayList<>();
    for (TestProvider p : providers) {
      list.add(
          new DevnetInfo.Provider(
              p.name(), p.account(), p.peerId().toBase58(), p.multiaddr(), null, 0, null, null));
    }
    new DevnetInfo(
            DevnetInfo.SCHEMA_VERSION,
            anvil.rpcUrl(),
            chain.chainId(),
            Map.of("JobMarket", deployment.market(), "ProviderRegistry", deployment.registry()),
            Map.of("test-model", MODEL),
            Map.of("cpu-det-v1", PROFILE),
            dir.relativize(keystore).toString(),
            0,
            list)
        .write(devnetDir.resolve("devnet.json"));
    return dir;
  }
}
