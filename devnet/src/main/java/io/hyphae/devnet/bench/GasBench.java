package io.hyphae.devnet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hyphae.contracts.chain.Anvil;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketDeployer;
import io.hyphae.contracts.chain.MarketHashes;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.generated.JobMarket;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hyphae bench gas}: the gas each market transaction uses, read from its receipt on a fresh
 * anvil chain. Three scenarios: one provider and one shard from post to finalize, the same with 100
 * shards in one assignment, and a challenge decided by a three-member committee.
 */
@Command(
    name = "gas",
    mixinStandardHelpOptions = true,
    description = "Measures the gas of a whole job lifecycle on a fresh local chain.")
public final class GasBench implements Callable<Integer> {

  /** Goals from docs/benchmarks.md: post->finalize for one provider, and each extra shard. */
  static final long GOAL_LIFECYCLE = 200_000;

  static final long GOAL_PER_EXTRA_SHARD = 1_000;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = ETHER.divide(BigInteger.valueOf(1000));
  private static final BigInteger COLLATERAL = ETHER.divide(BigInteger.TEN);
  private static final byte[] PEER_ID = {0x08, 0x02, 0x12, 0x21, 0x02};
  private static final int REQUESTER = 9;
  private static final int PROVIDERS = 5; // accounts 1..5: one works, the others sit on committees

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  private final Path hyphaeRoot;
  private final PrintStream out;
  private long salt;

  public GasBench() {
    this(Path.of(System.getProperty("hyphae.root", ".")).toAbsolutePath().normalize(), System.out);
  }

  GasBench(Path hyphaeRoot, PrintStream out) {
    this.hyphaeRoot = hyphaeRoot;
    this.out = out;
  }

  /** One measured transaction. */
  record Step(String name, long gasUsed) {}

  /** A scenario's transactions and the total of those that count toward its goal. */
  record Scenario(String name, List<Step> steps, long total) {}

  @Override
  public Integer call() throws Exception {
    try (Anvil anvil = Anvil.start(Anvil.binary(hyphaeRoot), List.of(), TIMEOUT);
        ChainConnection chain = ChainConnection.open(anvil.rpcUrl(), TIMEOUT)) {
      Map<String, Object> report = run(chain);
      print(report);
    }
    return 0;
  }

  Map<String, Object> run(ChainConnection chain) throws Exception {
    DevnetAccounts accounts = new DevnetAccounts();
    MarketDeployer.Result deployed =
        new MarketDeployer(new TransactionSender(chain, accounts.account(0), TIMEOUT))
            .deploy(MarketConfig.devnetDefaults());
    List<MarketClient> providers = new ArrayList<>();
    List<Step> setup = new ArrayList<>();
    setup.add(new Step("deploy ProviderRegistry", gas(deployed.receipts().get(0))));
    setup.add(new Step("deploy JobMarket", gas(deployed.receipts().get(1))));
    setup.add(new Step("wire registry to market", gas(deployed.receipts().get(2))));
    for (int i = 1; i <= PROVIDERS; i++) {
      MarketClient p =
          new MarketClient(
              new TransactionSender(chain, accounts.account(i), TIMEOUT), deployed.deployment());
      TransactionReceipt r = p.register(PEER_ID, ETHER.multiply(BigInteger.TWO));
      if (i == 1) {
        setup.add(new Step("register provider", gas(r)));
      }
      providers.add(p);
    }
    MarketClient requester =
        new MarketClient(
            new TransactionSender(chain, accounts.account(REQUESTER), TIMEOUT),
            deployed.deployment());

    Scenario one = lifecycle(chain, requester, providers.get(0), 1);
    Scenario hundred = lifecycle(chain, requester, providers.get(0), 100);
    Scenario challenge = challenge(chain, requester, providers);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("setup", setup);
    report.put("scenarios", List.of(one, hundred, challenge));
    double perShard = (hundred.total() - one.total()) / 99.0;
    report.put("postToFinalizeOneShard", one.total());
    report.put("perExtraShard", Math.round(perShard * 10) / 10.0);
    report.put("challengePathTotal", challenge.total());
    report.put("goalPostToFinalize", GOAL_LIFECYCLE);
    report.put("goalPerExtraShard", GOAL_PER_EXTRA_SHARD);
    report.put("goalsMet", one.total() <= GOAL_LIFECYCLE && perShard <= GOAL_PER_EXTRA_SHARD);
    return report;
  }

  /** Post and assign, commit, finalize (counted); then the provider's withdraw (shown apart). */
  private Scenario lifecycle(
      ChainConnection chain, MarketClient requester, MarketClient provider, int shards)
      throws Exception {
    List<Step> steps = new ArrayList<>();
    JobMarket.Assignment a = postAndAssign(chain, requester, provider, shards, steps);
    List<byte[]> results = resultLeaves(shards);
    TransactionReceipt committed = provider.commit(a, MarketHashes.merkleRoot(results));
    steps.add(new Step("commit", gas(committed)));
    JobMarket.Assignment c = MarketClient.committed(a, committed);
    Anvil.advanceTime(chain, Duration.ofSeconds(601));
    steps.add(new Step("finalize", gas(provider.finalizeAssignment(c))));
    long total = steps.stream().mapToLong(Step::gasUsed).sum();
    steps.add(new Step("withdraw (not counted)", gas(provider.withdraw())));
    return new Scenario("one provider, " + shards + " shard(s): post -> finalize", steps, total);
  }

  /** Post, commit, challenge, three commits and reveals, resolve: all counted. */
  private Scenario challenge(
      ChainConnection chain, MarketClient requester, List<MarketClient> providers)
      throws Exception {
    List<Step> steps = new ArrayList<>();
    MarketClient provider = providers.get(0);
    JobMarket.Assignment a = postAndAssign(chain, requester, provider, 4, steps);
    List<byte[]> results = resultLeaves(4);
    TransactionReceipt committed = provider.commit(a, MarketHashes.merkleRoot(results));
    steps.add(new Step("commit", gas(committed)));
    JobMarket.Assignment c = MarketClient.committed(a, committed);
    BigInteger bond = requester.marketView().challengeBond().send();
    TransactionReceipt opened =
        requester.challenge(
            c, 2, inputLeaves(4).get(2), outputHash(2), MarketHashes.merkleProof(results, 2), bond);
    steps.add(new Step("challenge (draws the committee)", gas(opened)));
    JobMarket.ChallengeOpenedEventResponse ch = MarketClient.challengeOf(opened);
    List<MarketClient> voters = new ArrayList<>();
    for (String member : ch.members) {
      voters.add(
          providers.stream()
              .filter(p -> p.address().equalsIgnoreCase(member))
              .findFirst()
              .orElseThrow());
    }
    for (MarketClient v : voters) {
      steps.add(new Step("commitVote", gas(v.commitVote(ch.challengeId, true, salt(v)))));
    }
    Anvil.advanceTime(chain, Duration.ofHours(1).plusSeconds(1));
    for (MarketClient v : voters) {
      steps.add(new Step("revealVote", gas(v.revealVote(ch.challengeId, true, salt(v)))));
    }
    steps.add(
        new Step(
            "resolve (upheld: provider slashed)",
            gas(requester.resolve(ch.challengeId, MarketClient.challenged(c)))));
    long total = steps.stream().mapToLong(Step::gasUsed).sum();
    return new Scenario("challenge decided by a 3-member committee", steps, total);
  }

  private JobMarket.Assignment postAndAssign(
      ChainConnection chain,
      MarketClient requester,
      MarketClient provider,
      int shards,
      List<Step> steps)
      throws Exception {
    long now =
        chain
            .web3j()
            .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
            .send()
            .getBlock()
            .getTimestamp()
            .longValueExact();
    JobMarket.JobSpec spec =
        new JobMarket.JobSpec(
            Hash.sha3("all-MiniLM-L6-v2-q".getBytes(StandardCharsets.UTF_8)),
            Hash.sha3("cpu-deterministic-v1".getBytes(StandardCharsets.UTF_8)),
            MarketHashes.merkleRoot(inputLeaves(shards)),
            BigInteger.valueOf(shards),
            BigInteger.ONE,
            PRICE,
            BigInteger.valueOf(now + 3600),
            BigInteger.valueOf(600),
            BigInteger.valueOf(++salt),
            PEER_ID);
    JobMarket.Bid bid =
        new JobMarket.Bid(
            MarketHashes.jobId(requester.address(), spec),
            provider.address(),
            BigInteger.ZERO,
            BigInteger.valueOf(shards),
            BigInteger.ZERO,
            PRICE,
            COLLATERAL,
            BigInteger.valueOf(now + 600));
    TransactionReceipt r =
        requester.postAndAssign(
            spec, List.of(provider.signBid(bid)), PRICE.multiply(BigInteger.valueOf(shards)));
    steps.add(new Step("postAndAssign (1 signed bid)", gas(r)));
    return MarketClient.assignmentsOf(r).get(0);
  }

  private static byte[] salt(MarketClient voter) {
    return Hash.sha3(voter.address().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] outputHash(int shard) {
    return Hash.sha3(("output " + shard).getBytes(StandardCharsets.UTF_8));
  }

  private static List<byte[]> inputLeaves(int shards) {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      leaves.add(
          MarketHashes.inputLeaf(i, Hash.sha3(("input " + i).getBytes(StandardCharsets.UTF_8))));
    }
    return leaves;
  }

  private static List<byte[]> resultLeaves(int shards) {
    List<byte[]> inputs = inputLeaves(shards);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      leaves.add(MarketHashes.resultLeaf(i, inputs.get(i), outputHash(i)));
    }
    return leaves;
  }

  private static long gas(TransactionReceipt receipt) {
    return receipt.getGasUsed().longValueExact();
  }

  private void print(Map<String, Object> report) throws Exception {
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
      return;
    }
    out.println("Gas used per transaction (from receipts, fresh anvil chain)");
    @SuppressWarnings("unchecked") // built above with these types
    List<Step> setup = (List<Step>) report.get("setup");
    out.println();
    out.println("setup");
    for (Step s : setup) {
      out.printf("  %-40s %,10d%n", s.name(), s.gasUsed());
    }
    @SuppressWarnings("unchecked") // built above with these types
    List<Scenario> scenarios = (List<Scenario>) report.get("scenarios");
    for (Scenario sc : scenarios) {
      out.println();
      out.println(sc.name());
      for (Step s : sc.steps()) {
        out.printf("  %-40s %,10d%n", s.name(), s.gasUsed());
      }
      out.printf("  %-40s %,10d%n", "total", sc.total());
    }
    out.println();
    out.printf(
        "post -> finalize, one provider, one shard: %,d gas (goal <= %,d)%n",
        (long) report.get("postToFinalizeOneShard"), GOAL_LIFECYCLE);
    out.printf(
        "each extra shard in the same assignment:   %s gas (goal <= %,d)%n",
        report.get("perExtraShard"), GOAL_PER_EXTRA_SHARD);
    out.printf(
        "challenge path total:                      %,d gas%n",
        (long) report.get("challengePathTotal"));
  }
}
