package io.hyphae.node.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
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
import io.hyphae.contracts.market.AssignmentHistory;
import io.hyphae.contracts.market.Challenge;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.contracts.market.Web3jMarket;
import io.hyphae.node.committee.CommitteeService;
import io.hyphae.node.config.NodeConfig;
import io.hyphae.node.config.NodeConfigLoader;
import io.hyphae.node.config.NodeOption;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.InferenceOptions;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.TestModels;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.job.TestRequester;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobRecord;
import io.hyphae.node.journal.JobState;
import io.hyphae.node.p2p.NodeIdentity;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.job.ResultMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.proto.JobProto;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.utils.Numeric;

/**
 * A dishonest provider caught by the committee, on anvil with two real {@code node run}s
 * (in-process): node 1 runs with {@code fault=wrong-output}, node 2 is honest. The test is the
 * requester and challenger: it posts a job, has node 1 serve it, sees that the delivered outputs
 * (validly signed and committed) differ from a local run, challenges shard 1 with the receipt's
 * leaf and proof, and sends the evidence over libp2p to the committee the market drew (node 2, the
 * only eligible provider with a committee of one). Node 2 re-runs the shard, commits and reveals an
 * "upheld" vote and resolves: node 1's collateral is slashed, the requester credited, and node 1's
 * journal marks the job SLASHED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommitteeIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = BigInteger.TEN.pow(15);
  private static final int FAULTY = 1;
  private static final int HONEST = 2;
  private static final int REQUESTER = 9;
  private static final MarketConfig CONFIG =
      new MarketConfig(
          ETHER,
          Duration.ofDays(1),
          ETHER.divide(BigInteger.TEN),
          ETHER.divide(BigInteger.valueOf(100)),
          1,
          Duration.ofSeconds(8),
          Duration.ofSeconds(8));

  @TempDir static Path dir;

  private Anvil anvil;
  private ChainConnection chain;
  private Deployment deployment;
  private Market requesterMarket;
  private TestRequester requester;
  private OnnxInferenceEngine localEngine;
  private Path password;
  private final DevnetAccounts accounts = new DevnetAccounts();

  @BeforeAll
  void startChain() throws Exception {
    anvil = Anvil.start(Anvil.binary(ROOT), List.of(), TIMEOUT);
    chain = ChainConnection.open(anvil.rpcUrl(), TIMEOUT);
    deployment =
        new MarketDeployer(new TransactionSender(chain, accounts.account(0), TIMEOUT))
            .deploy(CONFIG)
            .deployment();
    for (int provider : List.of(FAULTY, HONEST)) {
      market(provider)
          .register(
              NodeIdentity.of(accounts.account(provider)).peerId().toBytes(),
              ETHER.multiply(BigInteger.TWO));
    }
    requesterMarket = market(REQUESTER);
    requester =
        new TestRequester(
            accounts.account(REQUESTER),
            requesterMarket,
            new Eip712(deployment.chainId(), deployment.market()));
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

  private NodeConfig config(int account, boolean faulty) throws Exception {
    Path keystore =
        new KeystoreDirectory(dir.resolve("ks-" + account))
            .importKey(
                Numeric.toHexStringNoPrefixZeroPadded(
                    accounts.account(account).getEcKeyPair().getPrivateKey(), 64),
                "pw",
                KdfStrength.LIGHT)
            .file();
    Map<NodeOption, String> flags = new EnumMap<>(NodeOption.class);
    flags.put(NodeOption.DATA_DIR, dir.resolve("node-" + account).toString());
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
    flags.put(NodeOption.MAX_CONCURRENT_SHARDS, "4");
    if (faulty) {
      flags.put(NodeOption.FAULT, "wrong-output");
    }
    return NodeConfigLoader.load(flags, Map.of(), Optional.empty());
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

  private boolean hasEvent(BigInteger jobId, Class<? extends MarketEvent> type) {
    return requesterMarket.events(jobId).stream().anyMatch(type::isInstance);
  }

  @Test
  void aProviderDeliveringWrongOutputsIsChallengedAndSlashedByTheCommittee() throws Exception {
    try (NodeRunner.RunningNode faulty =
            NodeRunner.start(config(FAULTY, true), Map.of(), Clock.systemUTC());
        NodeRunner.RunningNode honest =
            NodeRunner.start(config(HONEST, false), Map.of(), Clock.systemUTC())) {
      List<String> rows = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        rows.add("row " + i + ": " + TestModels.SENTENCES.get(i % TestModels.SENTENCES.size()));
      }
      TestRequester.Job job =
          requester.post(
              rows,
              2,
              Capabilities.toMarket(TestModels.minilm().id()),
              Capabilities.toMarket(ExecutionProfile.CPU_DET_V1.hash()),
              PRICE,
              300,
              300);
      Connection toFaulty = requester.connect(faulty.p2p().listenAddresses().get(0));
      var reply = requester.quote(toFaulty, job, 0, 2);
      assertThat(reply.hasOffer()).as(reply.toString()).isTrue();
      Assignment assigned = requester.assign(job, List.of(TestRequester.signedBid(reply))).get(0);

      // The results are signed and consistent, but not what the model computes.
      Map<Long, Bytes32> leaves = new TreeMap<>();
      for (int shard = 0; shard < 2; shard++) {
        ResultMessage result = job.result(shard);
        assertThat(Keccak256.hash(result.output())).isEqualTo(result.outputHash());
        leaves.put(
            (long) shard, ShardLeaves.resultLeaf(shard, result.inputLeaf(), result.outputHash()));
      }
      assertThat(requester.rejections).isEmpty();
      ResultMessage wrong = job.result(1);
      Bytes32 right =
          TestModels.await(
                  localEngine.submit(
                      new ShardRequest(
                          TestModels.minilm().id(),
                          ExecutionProfile.CPU_DET_V1,
                          1,
                          job.shards.get(1),
                          InferenceOptions.DEFAULT)))
              .outputHash();
      assertThat(wrong.outputHash()).isNotEqualTo(right);

      waitFor(Duration.ofSeconds(60), () -> hasEvent(job.jobId, MarketEvent.ResultCommitted.class));
      Assignment committed =
          AssignmentHistory.latest(requesterMarket.events(job.jobId), assigned.index())
              .orElseThrow();
      MerkleTree results = ShardLeaves.resultTree(leaves);
      assertThat(Capabilities.of(committed.resultRoot())).isEqualTo(results.root());

      ProviderInfoSnapshot before = snapshot(assigned.provider());
      BigInteger challengeId =
          requesterMarket.challenge(
              committed,
              1,
              Capabilities.toMarket(wrong.inputLeaf()),
              Capabilities.toMarket(wrong.outputHash()),
              results.proof(1).stream().map(Capabilities::toMarket).toList());
      Challenge opened = requesterMarket.challengeOf(challengeId).orElseThrow();
      assertThat(opened.members()).containsExactly(market(HONEST).account());

      Connection toHonest = requester.connect(honest.p2p().listenAddresses().get(0));
      JobProto.EvidenceAck ack =
          new RequestResponse<>(requester.host, JobProtocols.CHALLENGE_EVIDENCE)
              .request(
                  toHonest,
                  JobProto.ChallengeEvidence.newBuilder()
                      .setChallengeId(WireValues.uint256(challengeId))
                      .setInput(ByteString.copyFrom(ShardCodec.encodeInput(job.shards.get(1))))
                      .setOutput(ByteString.copyFrom(wrong.output()))
                      .build())
              .get(30, TimeUnit.SECONDS);
      assertThat(ack.hasAccepted()).as(ack.toString()).isTrue();

      waitFor(
          Duration.ofSeconds(60), () -> hasEvent(job.jobId, MarketEvent.ChallengeResolved.class));
      MarketEvent.ChallengeResolved resolved =
          requesterMarket.events(job.jobId).stream()
              .filter(MarketEvent.ChallengeResolved.class::isInstance)
              .map(MarketEvent.ChallengeResolved.class::cast)
              .findFirst()
              .orElseThrow();
      assertThat(resolved.verdict()).isEqualTo(Challenge.Verdict.UPHELD);
      assertThat(resolved.upheld()).isEqualTo(1);

      BigInteger collateral = committed.collateral();
      assertThat(requesterMarket.provider(assigned.provider()).stake())
          .isEqualTo(before.stake().subtract(collateral));
      BigInteger voterShare = collateral.divide(BigInteger.TWO);
      assertThat(requesterMarket.withdrawable(requesterMarket.account()).subtract(before.owed()))
          .isEqualTo(
              committed.payment().add(CONFIG.challengeBond()).add(collateral.subtract(voterShare)));

      JobKey key = new JobKey(31337, faulty.market().orElseThrow().market(), job.jobId);
      waitFor(
          Duration.ofSeconds(30),
          () -> {
            try {
              return faulty
                  .journal()
                  .find(key)
                  .get(10, TimeUnit.SECONDS)
                  .map(JobRecord::state)
                  .equals(Optional.of(JobState.SLASHED));
            } catch (Exception e) {
              return false;
            }
          });
      CommitteeService.Stats stats = honest.market().orElseThrow().committee().stats();
      assertThat(stats.evidenceAccepted()).isEqualTo(1);
      assertThat(stats.votesRevealed()).isEqualTo(1);
      assertThat(stats.votesUpheld()).isEqualTo(1);
    }
  }

  private record ProviderInfoSnapshot(BigInteger stake, BigInteger owed) {}

  private ProviderInfoSnapshot snapshot(String provider) {
    return new ProviderInfoSnapshot(
        requesterMarket.provider(provider).stake(),
        requesterMarket.withdrawable(requesterMarket.account()));
  }
}
