package io.hyphae.node.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.chain.Anvil;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketDeployer;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.keys.KdfStrength;
import io.hyphae.contracts.keys.KeystoreDirectory;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.contracts.market.Web3jMarket;
import io.hyphae.node.config.NodeConfig;
import io.hyphae.node.config.NodeConfigLoader;
import io.hyphae.node.config.NodeOption;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.ShardResult;
import io.hyphae.node.inference.TestModels;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.job.TestRequester;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobRecord;
import io.hyphae.node.journal.JobState;
import io.hyphae.node.journal.SqliteJobJournal;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.job.ResultMessage;
import io.hyphae.protocol.p2p.Connection;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * A real {@code node run} (in-process) as a market participant on anvil: a test requester posts a
 * 20-row job in 2 shards, asks the node for a quote, assigns it, serves the inputs and checks the
 * results (receipt signatures, output hashes against a local run of the same engine); the node
 * commits and finalizes on chain and is paid. Then the same with the node stopped after the
 * assignment and restarted on its data directory: it resumes from the journal and completes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeMarketIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final BigInteger PRICE = BigInteger.TEN.pow(15);
  private static final int PROVIDER = 1;
  private static final int REQUESTER = 9;

  @TempDir static Path dir;

  private Anvil anvil;
  private ChainConnection chain;
  private Deployment deployment;
  private Market requesterMarket;
  private Market providerMarket;
  private TestRequester requester;
  private OnnxInferenceEngine localEngine;
  private Path keystore;
  private Path password;
  private final DevnetAccounts accounts = new DevnetAccounts();

  @BeforeAll
  void startChain() throws Exception {
    anvil = Anvil.start(Anvil.binary(ROOT), List.of(), TIMEOUT);
    chain = ChainConnection.open(anvil.rpcUrl(), TIMEOUT);
    deployment =
        new MarketDeployer(new TransactionSender(chain, accounts.account(0), TIMEOUT))
            .deploy(MarketConfig.devnetDefaults())
            .deployment();
    requesterMarket = market(REQUESTER);
    providerMarket = market(PROVIDER);
    Credentials provider = accounts.account(PROVIDER);
    providerMarket.register(
        io.hyphae.node.p2p.NodeIdentity.of(provider).peerId().toBytes(),
        BigInteger.TEN.pow(18).multiply(BigInteger.TWO));
    requester =
        new TestRequester(
            accounts.account(REQUESTER),
            requesterMarket,
            new Eip712(deployment.chainId(), deployment.market()));
    keystore =
        new KeystoreDirectory(dir.resolve("ks"))
            .importKey(
                Numeric.toHexStringNoPrefixZeroPadded(provider.getEcKeyPair().getPrivateKey(), 64),
                "pw",
                KdfStrength.LIGHT)
            .file();
    password = Files.writeString(dir.resolve("pw"), "pw\n");
    localEngine = new OnnxInferenceEngine(TestModels.registry(), EngineConfig.defaults());
  }

  @AfterAll
  void stopChain() throws Exception {
    if (localEngine != null) {
      localEngine.close();
    }
    if (requester != null) {
      requester.close();
    }
    if (chain != null) {
      chain.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  private Market market(int account) {
    return new Web3jMarket(
        new MarketClient(
            new TransactionSender(chain, accounts.account(account), TIMEOUT), deployment));
  }

  private NodeConfig config(Path dataDir) {
    Map<NodeOption, String> flags = new EnumMap<>(NodeOption.class);
    flags.put(NodeOption.DATA_DIR, dataDir.toString());
    flags.put(NodeOption.KEYSTORE, keystore.toString());
    flags.put(NodeOption.PASSWORD_FILE, password.toString());
    flags.put(NodeOption.RPC_URL, anvil.rpcUrl());
    flags.put(NodeOption.CHAIN_ID, Long.toString(deployment.chainId()));
    flags.put(
        NodeOption.CONTRACTS,
        "JobMarket=" + deployment.market() + ",ProviderRegistry=" + deployment.registry());
    flags.put(NodeOption.CONFIRMATIONS, "0");
    flags.put(NodeOption.POLL_INTERVAL_MS, "200");
    flags.put(NodeOption.P2P_PORT, "0");
    flags.put(NodeOption.ADMIN_PORT, "0");
    flags.put(NodeOption.MODELS, "all-minilm-l6-v2-q");
    flags.put(NodeOption.PRICE_PER_SHARD_WEI, PRICE.toString());
    flags.put(NodeOption.MAX_CONCURRENT_SHARDS, "8");
    return NodeConfigLoader.load(flags, Map.of(), Optional.empty());
  }

  private static List<String> rows(String tag) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(
          tag + " row " + i + ": " + TestModels.SENTENCES.get(i % TestModels.SENTENCES.size()));
    }
    return rows;
  }

  private TestRequester.Job post(String tag) {
    return requester.post(
        rows(tag),
        2,
        Capabilities.toMarket(TestModels.minilm().id()),
        Capabilities.toMarket(ExecutionProfile.CPU_DET_V1.hash()),
        PRICE.multiply(BigInteger.TWO),
        300,
        2);
  }

  private List<Assignment> quoteAndAssign(NodeRunner.RunningNode node, TestRequester.Job job)
      throws Exception {
    Connection connection = requester.connect(node.p2p().listenAddresses().get(0));
    var reply = requester.quote(connection, job, 0, 2);
    assertThat(reply.hasOffer()).as(reply.toString()).isTrue();
    List<Assignment> assigned = requester.assign(job, List.of(TestRequester.signedBid(reply)));
    assertThat(assigned)
        .singleElement()
        .extracting(Assignment::provider)
        .isEqualTo(providerMarket.account());
    return assigned;
  }

  /** Each result matches a local run of the same engine, model and profile. */
  private void checkResults(TestRequester.Job job) throws Exception {
    for (int shard = 0; shard < 2; shard++) {
      ResultMessage result = job.result(shard);
      ShardResult local =
          TestModels.await(
              localEngine.submit(
                  new ShardRequest(
                      TestModels.minilm().id(),
                      ExecutionProfile.CPU_DET_V1,
                      shard,
                      job.shards.get(shard),
                      io.hyphae.node.inference.InferenceOptions.DEFAULT)));
      assertThat(result.outputHash()).isEqualTo(local.outputHash());
      assertThat(Keccak256.hash(result.output())).isEqualTo(local.outputHash());
      assertThat(result.provider()).isEqualTo(providerMarket.account());
    }
    assertThat(requester.rejections).isEmpty();
  }

  private void awaitFinalized(TestRequester.Job job) throws Exception {
    waitFor(
        Duration.ofSeconds(90),
        () ->
            requesterMarket.events(job.jobId).stream()
                .anyMatch(MarketEvent.AssignmentFinalized.class::isInstance));
  }

  private static void waitFor(Duration limit, BooleanSupplier condition) throws Exception {
    long until = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("condition not met within " + limit);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static JobState state(NodeRunner.RunningNode node, BigInteger jobId) throws Exception {
    JobKey key = new JobKey(31337, node.market().orElseThrow().market(), jobId);
    return node.journal().find(key).get(10, TimeUnit.SECONDS).map(JobRecord::state).orElse(null);
  }

  @Test
  void theNodeBidsRunsDeliversCommitsAndIsPaid() throws Exception {
    BigInteger owedBefore = providerMarket.withdrawable(providerMarket.account());
    try (NodeRunner.RunningNode node =
        NodeRunner.start(config(dir.resolve("node-a")), Map.of(), Clock.systemUTC())) {
      TestRequester.Job job = post("paid");
      quoteAndAssign(node, job);

      checkResults(job);
      awaitFinalized(job);
      waitFor(
          Duration.ofSeconds(10),
          () -> {
            try {
              return state(node, job.jobId) == JobState.FINALIZED;
            } catch (Exception e) {
              return false;
            }
          });
      assertThat(node.market().orElseThrow().jobs().shardsExecuted()).isEqualTo(2);
      assertThat(node.market().orElseThrow().bidder().bidsSent()).isEqualTo(1);
    }
    assertThat(providerMarket.withdrawable(providerMarket.account()).subtract(owedBefore))
        .isEqualTo(PRICE.multiply(BigInteger.TWO));
  }

  @Test
  void aNodeStoppedAfterAssignmentResumesFromItsJournalAndCompletes() throws Exception {
    Path data = dir.resolve("node-b");
    TestRequester.Job job;
    requester.serveInputs = false;
    try {
      try (NodeRunner.RunningNode node =
          NodeRunner.start(config(data), Map.of(), Clock.systemUTC())) {
        job = post("resumed");
        quoteAndAssign(node, job);
        int before = requester.inputRequests.get();
        // The node learned its assignment and asks for inputs, which the requester withholds.
        waitFor(Duration.ofSeconds(30), () -> requester.inputRequests.get() > before);
        assertThat(state(node, job.jobId)).isEqualTo(JobState.ASSIGNED);
      }
      assertThat(job.results.get(0)).isNotDone();
      // The journal holds what a restart needs.
      try (SqliteJobJournal journal =
          SqliteJobJournal.open(data.resolve("journal.db"), Clock.systemUTC(), TIMEOUT)) {
        assertThat(journal.pendingJobs(10).get(10, TimeUnit.SECONDS))
            .singleElement()
            .extracting(JobRecord::state)
            .isEqualTo(JobState.ASSIGNED);
      }
    } finally {
      requester.serveInputs = true;
    }
    try (NodeRunner.RunningNode node =
        NodeRunner.start(config(data), Map.of(), Clock.systemUTC())) {
      checkResults(job);
      awaitFinalized(job);
      waitFor(
          Duration.ofSeconds(10),
          () -> {
            try {
              return state(node, job.jobId) == JobState.FINALIZED;
            } catch (Exception e) {
              return false;
            }
          });
    }
  }
}
