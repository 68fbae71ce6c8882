package io.hyphae.devnet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.config.ConfigException;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.keys.KeystoreFiles;
import io.hyphae.devnet.local.DetachedProcess;
import io.hyphae.devnet.local.DevnetDown;
import io.hyphae.devnet.local.DevnetException;
import io.hyphae.devnet.local.DevnetLayout;
import io.hyphae.devnet.local.DevnetUp;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The README's first command: bring a devnet up (or use the one running), write 1,000 sentences,
 * submit them as a 6-shard embedding job through the wallet's {@code job submit}, print who served
 * which shards, the time, the price and gas paid, the verification outcome and the balances before
 * and after, then stop the devnet it started — also when a step fails.
 */
public final class Demo {

  public static final int ROWS = 1000;
  public static final int SHARDS = 6;
  public static final int PROVIDERS = 3;
  public static final String PROFILE = "cpu-det-v1";
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);

  private final Path hyphaeRoot;
  private final DevnetLayout layout;
  private final Map<String, String> environment;
  private final PrintStream out;
  private final JobSubmission submission;

  public Demo(
      Path hyphaeRoot,
      DevnetLayout layout,
      Map<String, String> environment,
      PrintStream out,
      JobSubmission submission) {
    this.hyphaeRoot = hyphaeRoot;
    this.layout = layout;
    this.environment = Map.copyOf(environment);
    this.out = out;
    this.submission = submission;
  }

  /**
   * What the demo did.
   *
   * @param devnet the devnet it ran on
   * @param startedDevnet whether the demo started it (and so stopped it again)
   * @param input the input it generated
   * @param job the job's report, when the job completed
   * @param failure why the demo did not complete, when it did not
   */
  public record Result(
      DevnetInfo devnet,
      boolean startedDevnet,
      Path input,
      Optional<JsonNode> job,
      Optional<String> failure) {}

  /** One account's money at one moment. */
  record Balance(String name, String address, BigInteger ethWei, BigInteger withdrawableWei) {}

  /**
   * Runs the demo.
   *
   * @param port anvil's port when the demo starts the devnet
   * @throws DevnetException when the devnet cannot be brought up (nothing is left running)
   */
  public Result run(int port) {
    Optional<DevnetInfo> running = runningDevnet();
    boolean started = running.isEmpty();
    DevnetInfo devnet;
    if (running.isPresent()) {
      devnet = running.get();
      out.printf(
          "Using the devnet already running in %s (%d providers); it keeps running afterwards.%n",
          layout.dir(), devnet.providers().size());
    } else {
      devnet =
          new DevnetUp(hyphaeRoot, layout, environment, out)
              .up(
                  new DevnetUp.Options(
                      PROVIDERS,
                      port,
                      DevnetUp.DEFAULT_PRICE_WEI,
                      List.of("all-minilm-l6-v2-q"),
                      true));
    }
    Path input = layout.demoInput();
    try {
      DemoInput.write(input, ROWS);
      out.printf("%nWrote %d sentences to %s%n", ROWS, input);
      return runJob(devnet, started, input);
    } catch (RuntimeException e) {
      return new Result(devnet, started, input, Optional.empty(), Optional.of(e.getMessage()));
    } finally {
      if (started) {
        out.println();
        out.println("Stopping the devnet the demo started...");
        new DevnetDown(layout, out).down(false);
      }
    }
  }

  private static final Duration MARKET_TIMEOUT = Duration.ofSeconds(60);

  private Result runJob(DevnetInfo devnet, boolean started, Path input) {
    Optional<String> unavailable = submission.unavailable();
    if (unavailable.isPresent()) {
      out.println("Cannot submit the job: " + unavailable.get());
      return new Result(devnet, started, input, Optional.empty(), unavailable);
    }
    showMarket(devnet);
    List<Balance> before = balances(devnet);
    String model = modelName(devnet);
    out.printf(
        "Submitting %d rows as %d shards (model %s, profile %s) with ./hyphae job submit...%n",
        ROWS, SHARDS, model, PROFILE);
    Instant begin = Instant.now();
    JobSubmission.Outcome outcome =
        submission.submit(
            new JobSubmission.Request(
                layout.devnetJson(),
                layout.passwordFile(),
                input,
                layout.demoOutput(),
                model,
                PROFILE,
                SHARDS,
                JOB_TIMEOUT));
    Duration took = Duration.between(begin, Instant.now());
    List<Balance> after = balances(devnet);
    summarize(devnet, outcome.report(), took, before, after);
    return new Result(devnet, started, input, Optional.of(outcome.report()), Optional.empty());
  }

  /** Prints the providers' capacity ads as `./hyphae market` sees them. */
  private void showMarket(DevnetInfo devnet) {
    JsonNode market;
    try {
      market = submission.market(layout.devnetJson(), MARKET_TIMEOUT);
    } catch (DevnetException e) {
      // The view is for the reader; the job finds its providers without it.
      out.println("The market (./hyphae market) could not be shown: " + e.getMessage());
      return;
    }
    JsonNode providers = market.path("providers");
    out.printf("The market (./hyphae market): %d providers advertise%n", providers.size());
    Map<String, String> names = new LinkedHashMap<>();
    devnet
        .providers()
        .forEach(p -> names.put(p.address().toLowerCase(java.util.Locale.ROOT), p.name()));
    for (JsonNode p : providers) {
      for (JsonNode m : p.path("models")) {
        out.printf(
            "  %-10s %s  %s  %s wei/shard, %s free slots%n",
            names.getOrDefault(p.path("address").asText().toLowerCase(java.util.Locale.ROOT), "?"),
            p.path("address").asText(),
            m.path("model").isNull() ? m.path("modelHash").asText() : m.path("model").asText(),
            m.path("pricePerShardWei").asText(),
            p.path("freeSlots").asText());
      }
    }
  }

  /** The devnet in the directory when its chain and every node are running, else empty. */
  private Optional<DevnetInfo> runningDevnet() {
    try {
      return DevnetInfo.readIfPresent(layout.devnetJson())
          .filter(info -> DetachedProcess.alive(info.anvilPid(), layout.anvilMarker()))
          .filter(info -> !info.providers().isEmpty())
          .filter(
              info ->
                  info.providers().stream()
                      .allMatch(p -> DetachedProcess.alive(p.pid(), layout.nodeMarker(p.name()))));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }

  /** The served model's name as devnet.json lists it (the default model). */
  private static String modelName(DevnetInfo devnet) {
    return devnet.models().keySet().stream()
        .filter(name -> name.equals("all-minilm-l6-v2-q"))
        .findFirst()
        .orElse("all-MiniLM-L6-v2-q");
  }

  // ---------------------------------------------------------------- balances

  private List<Balance> balances(DevnetInfo devnet) {
    List<Balance> balances = new ArrayList<>();
    try (ChainConnection chain = ChainConnection.open(devnet.rpcUrl(), RPC_TIMEOUT)) {
      TransactionSender viewer =
          new TransactionSender(chain, new DevnetAccounts().account(0), RPC_TIMEOUT);
      MarketClient market =
          new MarketClient(
              viewer,
              new Deployment(
                  chain.chainId(),
                  devnet.contract("ProviderRegistry").orElseThrow(),
                  devnet.contract("JobMarket").orElseThrow(),
                  viewer.address(),
                  0));
      String requester = KeystoreFiles.address(Path.of(devnet.requesterKeystore()));
      balances.add(balance(chain, market, "requester", requester));
      for (DevnetInfo.Provider p : devnet.providers()) {
        balances.add(balance(chain, market, p.name(), p.address()));
      }
    } catch (RuntimeException | IOException e) {
      throw new DevnetException("cannot read balances: " + e.getMessage(), e);
    }
    return balances;
  }

  private static Balance balance(
      ChainConnection chain, MarketClient market, String name, String address) throws IOException {
    BigInteger eth =
        chain.web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    BigInteger withdrawable;
    try {
      withdrawable = market.marketView().withdrawable(address).send();
    } catch (Exception e) {
      throw new IOException("cannot read what " + name + " may withdraw: " + e.getMessage(), e);
    }
    return new Balance(name, address, eth, withdrawable);
  }

  // ---------------------------------------------------------------- summary

  private void summarize(
      DevnetInfo devnet,
      JsonNode report,
      Duration took,
      List<Balance> before,
      List<Balance> after) {
    Map<String, String> names = new LinkedHashMap<>();
    devnet
        .providers()
        .forEach(p -> names.put(p.address().toLowerCase(java.util.Locale.ROOT), p.name()));
    out.printf("%nJob done in %.1f s%n", took.toMillis() / 1000.0);
    JsonNode assignments = report.path("assignments");
    if (assignments.isArray() && !assignments.isEmpty()) {
      out.println("Who served which shards:");
      for (JsonNode a : assignments) {
        String provider = a.path("provider").asText("?");
        // job submit --json names the range as text ("shards 0-1") with the assignment's end state.
        out.printf(
            "  %-10s %s  %s, replica %s, %s, paid %s wei%n",
            names.getOrDefault(provider.toLowerCase(java.util.Locale.ROOT), "?"),
            provider,
            a.path("shards").asText("?"),
            a.path("replica").asText("?"),
            a.path("status").asText("?"),
            a.path("price").asText("?"));
      }
    }
    out.println("What job submit reported:");
    for (Map.Entry<String, JsonNode> field : report.properties()) {
      if (field.getKey().equals("assignments")) {
        continue;
      }
      JsonNode value = field.getValue();
      out.printf(
          "  %s: %s%n", field.getKey(), value.isValueNode() ? value.asText() : value.toString());
    }
    Path output = layout.demoOutput();
    if (Files.isRegularFile(output)) {
      try (Stream<String> lines = Files.lines(output)) {
        out.printf("Output: %s (%d rows)%n", output, lines.count());
      } catch (IOException e) {
        out.printf("Output: %s (unreadable: %s)%n", output, e.getMessage());
      }
    }
    out.println("Balances (ETH on the account / withdrawable from the market):");
    for (int i = 0; i < before.size() && i < after.size(); i++) {
      Balance b = before.get(i);
      Balance a = after.get(i);
      out.printf(
          "  %-10s %s -> %s ETH (%s), withdrawable %s -> %s%n",
          b.name(),
          eth(b.ethWei()),
          eth(a.ethWei()),
          signedEth(a.ethWei().subtract(b.ethWei())),
          eth(b.withdrawableWei()),
          eth(a.withdrawableWei()));
    }
  }

  private static String eth(BigInteger wei) {
    return new BigDecimal(wei).movePointLeft(18).stripTrailingZeros().toPlainString();
  }

  private static String signedEth(BigInteger wei) {
    return (wei.signum() >= 0 ? "+" : "") + eth(wei);
  }
}
