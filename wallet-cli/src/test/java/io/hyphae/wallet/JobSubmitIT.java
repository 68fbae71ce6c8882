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
import io.hyphae.contracts.market.Web3jMarket;
import io.hyphae.wallet.job.JobLedger;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * {@code job submit} end to end on anvil: the wallet against two test-side provider peers that bid,
 * fetch inputs, deliver signed results, commit real roots and finalize.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobSubmitIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = BigInteger.TEN.pow(16);
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
    deployment =
        new MarketDeployer(new TransactionSender(chain, accounts.account(0), TIMEOUT))
            .deploy(MarketConfig.devnetDefaults())
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
              i == 3 ? TestProvider.Behaviour.SILENT : TestProvider.Behaviour.HONEST);
      providers.add(p);
      p.market().register(p.peerId().toBytes(), ETHER.multiply(BigInteger.TWO));
    }
    // Staked providers that only sit on challenge committees (committee 3 + the parties).
    for (int i : new int[] {4, 6, 7, 8}) {
      new Web3jMarket(
              new MarketClient(
                  new TransactionSender(chain, accounts.account(i), TIMEOUT), deployment))
          .register(new byte[] {(byte) i}, ETHER.multiply(BigInteger.TWO));
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

  /** A devnet file naming the chain, contracts, hashes, the requester's keystore, providers. */
  private Path devnet(Path dir) throws Exception {
    Path devnetDir = dir.resolve(".devnet");
    Path keystoreDir = devnetDir.resolve("keystore");
    Path keystore =
        KeystoreFiles.write(keystoreDir, requester.getEcKeyPair(), "secret", KdfStrength.LIGHT);
    Files.writeString(devnetDir.resolve("password"), "secret\n");
    List<DevnetInfo.Provider> list = new ArrayList<>();
    for (TestProvider p : providers.subList(0, 2)) {
      String address = io.hyphae.wallet.job.ProviderRef.accountOf(p.peerId()).orElseThrow();
      list.add(
          new DevnetInfo.Provider(
              p.name(), address, p.peerId().toBase58(), p.multiaddr(), null, 0, null, null));
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

  private Path rows(Path dir, int n) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i % 2 == 0 ? "\"row " + i + "\"" : "{\"text\":\"row " + i + "\"}").append('\n');
    }
    Path f = dir.resolve("rows.jsonl");
    Files.writeString(f, sb.toString());
    return f;
  }

  private BigInteger balance() throws Exception {
    return chain
        .web3j()
        .ethGetBalance(requester.getAddress(), DefaultBlockParameterName.LATEST)
        .send()
        .getBalance();
  }

  @Test
  void submitsAJobToTwoProvidersAndSettlesIt() throws Exception {
    Path dir = devnet(root.resolve("ok"));
    Path input = rows(dir, 10);
    Path out = dir.resolve("results.jsonl");
    Path home = dir.resolve("home");
    // What the market owed the requester before (other tests' refunds) is withdrawn too.
    BigInteger before = balance().add(requesterMarket().withdrawable(requester.getAddress()));

    WalletRun run =
        WalletRun.run(
            dir,
            Map.of("HYPHAE_JOBS_DIR", home.resolve("jobs").toString()),
            "",
            "job",
            "submit",
            "--input",
            input.toString(),
            "--model",
            "test-model",
            "--shards",
            "4",
            "--max-price",
            "0.02eth",
            "--out",
            out.toString(),
            "--bid-window",
            "5",
            "--challenge-window",
            "2",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.out());
    assertThat(summary.get("verification").asText()).as(run.err()).isEqualTo("passed");
    assertThat(summary.get("problems")).isEmpty();
    JsonNode assignments = summary.get("assignments");
    assertThat(assignments).hasSize(2);
    List<String> served = new ArrayList<>();
    for (JsonNode a : assignments) {
      assertThat(a.get("status").asText()).isEqualTo("Finalized");
      served.add(a.get("provider").asText() + " " + a.get("shards").asText());
    }
    assertThat(served)
        .containsExactlyInAnyOrder(accountOf(0) + " shards 0-1", accountOf(1) + " shards 2-3");
    assertThat(new BigInteger(summary.get("pricePaid").asText()))
        .isEqualTo(PRICE.multiply(BigInteger.valueOf(4)));
    assertThat(summary.get("gasUsed").asLong()).isPositive();
    assertThat(summary.get("checks").toString()).contains("bit for bit");

    // Results: one line per row, in order, with the providers' (deterministic) embeddings.
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(10);
    for (int i = 0; i < 10; i++) {
      JsonNode line = new ObjectMapper().readTree(lines.get(i));
      assertThat(line.get("row").asInt()).isEqualTo(i);
      float[] expected = TestProvider.embed("row " + i);
      assertThat((float) line.get("embedding").get(0).asDouble()).isEqualTo(expected[0]);
      assertThat(line.get("shard").asInt()).isEqualTo(i < 3 ? 0 : i < 6 ? 1 : i < 8 ? 2 : 3);
    }

    // The escrow's unused part came back; the requester paid the price and gas only.
    BigInteger after = balance();
    BigInteger spent = before.subtract(after);
    assertThat(spent).isGreaterThan(PRICE.multiply(BigInteger.valueOf(4)));
    assertThat(spent)
        .isLessThan(
            PRICE.multiply(BigInteger.valueOf(4)).add(ETHER.divide(BigInteger.valueOf(200))));

    // The job file and the status command know the job.
    String jobId = summary.get("jobId").asText();
    assertThat(home.resolve("jobs").resolve(jobId + ".json")).exists();
    WalletRun status =
        WalletRun.run(
            dir,
            Map.of("HYPHAE_JOBS_DIR", home.resolve("jobs").toString()),
            "",
            "job",
            "status",
            jobId,
            "--json");
    assertThat(status.exitCode()).as(status.err()).isZero();
    JsonNode st = new ObjectMapper().readTree(status.out());
    assertThat(st.get("final").asBoolean()).isTrue();
    assertThat(st.get("walletState").asText()).isEqualTo("FINALIZED");
    assertThat(st.get("chainState").asText()).isEqualTo("ASSIGNED");
    providers.forEach(p -> assertThat(p.failures()).as(p.name()).isEmpty());
  }

  @Test
  void cancelsAndRefundsWhenNoProviderBids() throws Exception {
    Path dir = devnet(root.resolve("nobids"));
    Path input = rows(dir, 4);
    Path home = dir.resolve("home");
    BigInteger before = balance().add(requesterMarket().withdrawable(requester.getAddress()));

    // Both providers ask more than this maximum, so both refuse.
    WalletRun run =
        WalletRun.run(
            dir,
            Map.of("HYPHAE_JOBS_DIR", home.resolve("jobs").toString()),
            "",
            "job",
            "submit",
            "--input",
            input.toString(),
            "--model",
            "test-model",
            "--shards",
            "4",
            "--max-price",
            "0.0099eth",
            "--bid-window",
            "3");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no bids before the deadline").contains("cancelled");
    BigInteger spent = before.subtract(balance());
    // Only gas: the escrow came back.
    assertThat(spent).isPositive().isLessThan(ETHER.divide(BigInteger.valueOf(200)));
    MarketClient reader =
        new MarketClient(new TransactionSender(chain, requester, TIMEOUT), deployment);
    Web3jMarket market = new Web3jMarket(reader);
    assertThat(market.withdrawable(requester.getAddress())).isZero();
    try (var files = Files.list(home.resolve("jobs"))) {
      Path file = files.findFirst().orElseThrow();
      JsonNode record = new ObjectMapper().readTree(file.toFile());
      assertThat(record.get("state").asText()).isEqualTo("CANCELLED");
      BigInteger jobId = new BigInteger(record.get("jobId").asText());
      assertThat(JobLedger.of(jobId, market.events(jobId)).state())
          .isEqualTo(JobLedger.JobState.CANCELLED);
    }
  }

  @Test
  void refusesABadInputFileWithoutSendingATransaction() throws Exception {
    Path dir = devnet(root.resolve("bad"));
    Path input = dir.resolve("bad.jsonl");
    Files.writeString(input, "\"one\"\n\"two\"\n{\"text\": 3}\n");
    BigInteger nonce = nonce();

    WalletRun run =
        WalletRun.run(
            dir,
            Map.of("HYPHAE_JOBS_DIR", dir.resolve("home").resolve("jobs").toString()),
            "",
            "job",
            "submit",
            "--input",
            input.toString(),
            "--model",
            "test-model",
            "--shards",
            "2",
            "--max-price",
            "1000");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("line 3").contains("\"text\" must be a string");
    assertThat(nonce()).isEqualTo(nonce);
    assertThat(dir.resolve("home").resolve("jobs")).doesNotExist();
  }

  @Test
  void leavesSettlementToProvidersWithNoWaitThenChallengesAShard() throws Exception {
    Path dir = devnet(root.resolve("challenge"));
    Path input = rows(dir, 4);
    Map<String, String> env = Map.of("HYPHAE_JOBS_DIR", dir.resolve("jobs").toString());

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
            "2",
            "--max-price",
            "0.02eth",
            "--challenge-window",
            "300",
            "--no-wait",
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    String jobId = new ObjectMapper().readTree(run.out()).get("jobId").asText();

    WalletRun early = WalletRun.run(dir, env, "", "job", "finalize", jobId);
    assertThat(early.exitCode()).as(early.err()).isZero();
    assertThat(early.out()).startsWith("nothing to finalize: #0 until");
    WalletRun cancel = WalletRun.run(dir, env, "", "job", "cancel", jobId);
    assertThat(cancel.exitCode()).isEqualTo(1);
    assertThat(cancel.err()).contains("only an open job");

    WalletRun challenge =
        WalletRun.run(dir, env, "", "job", "challenge", jobId, "--shard", "1", "--json");
    assertThat(challenge.exitCode()).as(challenge.err()).isZero();
    JsonNode opened = new ObjectMapper().readTree(challenge.out());
    assertThat(opened.get("shard").asInt()).isEqualTo(1);
    assertThat(opened.get("bond").asText()).isEqualTo("100000000000000000");
    assertThat(opened.get("state").asText()).isEqualTo("OPEN");
    assertThat(opened.get("members")).hasSize(3);
    // Challenged now: a second call follows the open challenge instead of opening another.
    WalletRun again = WalletRun.run(dir, env, "", "job", "challenge", jobId, "--shard", "1");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("challenge:    " + opened.get("challengeId").asText())
        .contains("no verdict yet");
    WalletRun status = WalletRun.run(dir, env, "", "job", "status", jobId, "--json");
    JsonNode st = new ObjectMapper().readTree(status.out());
    assertThat(st.get("challenges").get(0).get("state").asText()).isEqualTo("Challenged");
    assertThat(st.get("assignments").toString()).contains("Challenged");
  }

  @Test
  void refusesAJobTheAccountCannotPayFor() throws Exception {
    Path dir = devnet(root.resolve("poor"));
    Path input = rows(dir, 2);
    BigInteger nonce = nonce();

    WalletRun run =
        WalletRun.run(
            dir,
            Map.of("HYPHAE_JOBS_DIR", dir.resolve("jobs").toString()),
            "",
            "job",
            "submit",
            "--input",
            input.toString(),
            "--model",
            "test-model",
            "--shards",
            "2",
            "--max-price",
            "6000eth");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("insufficient funds: need 12000.").contains("ETH, have ");
    assertThat(nonce()).isEqualTo(nonce);
  }

  @Test
  void reclaimsFromAProviderThatNeverDelivers() throws Exception {
    Path dir = devnet(root.resolve("silent"));
    Path input = rows(dir, 2);
    Path home = dir.resolve("home");
    TestProvider silent = providers.get(2);
    BigInteger before = balance().add(requesterMarket().withdrawable(requester.getAddress()));

    WalletRun run =
        WalletRun.run(
            dir,
            Map.of("HYPHAE_JOBS_DIR", home.resolve("jobs").toString()),
            "",
            "job",
            "submit",
            "--input",
            input.toString(),
            "--model",
            "test-model",
            "--shards",
            "2",
            "--max-price",
            "0.02eth",
            "--providers",
            silent.multiaddr(),
            "--commit-deadline",
            "3");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("did not commit shards 0-1 before its deadline")
        .contains("reclaimed")
        .contains("incomplete");
    // Made whole (payment back) plus the slashed collateral: the requester ends up ahead.
    assertThat(balance()).isGreaterThan(before);
  }

  @Test
  void registersAProviderAddsAndUnbondsStake() throws Exception {
    Path dir = devnet(root.resolve("provider"));
    Path keystore =
        KeystoreFiles.write(
            dir.resolve("ks"),
            new DevnetAccounts().account(5).getEcKeyPair(),
            "pw",
            KdfStrength.LIGHT);
    Map<String, String> env = Map.of("HYPHAE_PASSWORD", "pw");
    String ks = keystore.toString();

    WalletRun register =
        WalletRun.run(dir, env, "", "provider", "register", "--stake", "1.5eth", "--keystore", ks);
    assertThat(register.exitCode()).as(register.err()).isZero();
    assertThat(register.out()).contains("registered").contains("16Uiu2HA");
    WalletRun stake =
        WalletRun.run(dir, env, "", "provider", "stake", "0.5eth", "--keystore", ks, "--json");
    assertThat(stake.exitCode()).as(stake.err()).isZero();
    JsonNode info = new ObjectMapper().readTree(stake.out());
    assertThat(info.get("registered").asBoolean()).isTrue();
    assertThat(info.get("stake").asText()).isEqualTo("2000000000000000000");

    WalletRun unbond = WalletRun.run(dir, env, "", "provider", "unbond", "1eth", "--keystore", ks);
    assertThat(unbond.exitCode()).as(unbond.err()).isZero();
    WalletRun early = WalletRun.run(dir, env, "", "provider", "withdraw", "--keystore", ks);
    assertThat(early.exitCode()).isEqualTo(1);
    assertThat(early.err()).contains("error: ").contains("UnbondingNotReady");

    WalletRun nothing = WalletRun.run(dir, env, "", "withdraw", "--keystore", ks, "--json");
    assertThat(nothing.exitCode()).as(nothing.err()).isZero();
    assertThat(new ObjectMapper().readTree(nothing.out()).get("wei").asText()).isEqualTo("0");
  }

  private Web3jMarket requesterMarket() {
    return new Web3jMarket(
        new MarketClient(new TransactionSender(chain, requester, TIMEOUT), deployment));
  }

  private BigInteger nonce() throws Exception {
    return chain
        .web3j()
        .ethGetTransactionCount(requester.getAddress(), DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }

  private String accountOf(int provider) {
    return io.hyphae.wallet.job.ProviderRef.accountOf(providers.get(provider).peerId())
        .orElseThrow();
  }
}
