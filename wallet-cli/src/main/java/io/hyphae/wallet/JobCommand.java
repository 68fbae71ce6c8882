package io.hyphae.wallet;

import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.wallet.job.Amounts;
import io.hyphae.wallet.job.JobException;
import io.hyphae.wallet.job.JobLedger;
import io.hyphae.wallet.job.JobRecord;
import io.hyphae.wallet.job.JobStore;
import io.hyphae.wallet.job.ProviderRef;
import io.hyphae.wallet.job.RequesterPeer;
import io.hyphae.wallet.job.ShardRange;
import io.hyphae.wallet.job.SpotCheck;
import io.hyphae.wallet.job.SubmitFlow;
import io.hyphae.wallet.job.SubmitOptions;
import io.hyphae.wallet.job.SubmitSummary;
import io.hyphae.wallet.job.Waits;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyphae job ...}: the requester's jobs, from submit to settlement. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description = "Submit inference jobs and follow, settle or cancel them.",
    subcommands = {
      JobCommand.Submit.class,
      JobCommand.Status.class,
      JobCommand.Watch.class,
      JobCommand.Finalize.class,
      JobCommand.Reclaim.class,
      JobCommand.Cancel.class,
      JobCommand.Challenge.class
    })
final class JobCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  // ---------------------------------------------------------------- submit

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description =
          "Posts a job, collects bids, assigns, serves inputs, checks and spot-checks results,"
              + " writes them and settles.")
  static final class Submit implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSONL rows.")
    Path input;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "NAME|0xHASH",
        description = "Model: a name from the devnet's models, or its content hash.")
    String model;

    @Option(
        names = "--profile",
        defaultValue = SpotCheck.EXACT_PROFILE,
        paramLabel = "NAME|0xHASH",
        description = "Execution profile (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--shards", required = true, description = "Number of shards.")
    int shards;

    @Option(
        names = "--max-price",
        required = true,
        paramLabel = "AMOUNT",
        description = "Most paid per shard: wei, or ether with an eth suffix (0.001eth).")
    String maxPrice;

    @Option(names = "--redundancy", defaultValue = "1", description = "Replicas of each shard.")
    int redundancy;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the results.")
    Path out;

    @Option(
        names = "--bid-window",
        paramLabel = "S",
        description = "Seconds to collect bids (default: 1 on a devnet, else 5).")
    Double bidWindow;

    @Option(
        names = "--commit-deadline",
        paramLabel = "S",
        description = "Seconds providers have to commit (default: 300 on a devnet, else 3600).")
    Long commitDeadline;

    @Option(
        names = "--challenge-window",
        paramLabel = "S",
        description = "Seconds results can be challenged (default: 10 on a devnet, else 3600).")
    Long challengeWindow;

    @Option(
        names = "--providers",
        split = ",",
        paramLabel = "MULTIADDR",
        description = "Providers to ask (default: the devnet's).")
    List<String> providers;

    @Option(
        names = "--spot-checks",
        defaultValue = "2",
        paramLabel = "K",
        description = "Rows per shard re-run on another provider (default: ${DEFAULT-VALUE}).")
    int spotChecks;

    @Option(
        names = "--no-wait",
        description = "Stop once results are written; providers finalize after the window.")
    boolean noWait;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      WalletContext context = AccountCommand.context(spec);
      Optional<DevnetInfo> devnet = context.devnet();
      SubmitOptions options = options(context, devnet);
      try (WalletChain chain = WalletChain.open(context, account, true);
          RequesterPeer peer = RequesterPeer.start(chain.p2pKey())) {
        JobStore store = JobStore.fromEnvironment(context.environment());
        SubmitSummary summary =
            new SubmitFlow(
                    options, chain.requester(), peer, store, context.err(), Clock.systemUTC())
                .run();
        print(context, summary);
        return "failed".equals(summary.verification()) ? WalletMain.EXIT_FAILURE : 0;
      }
    }

    private SubmitOptions options(WalletContext context, Optional<DevnetInfo> devnet) {
      CommandLine cli = spec.commandLine();
      boolean isDevnet = devnet.isPresent();
      Bytes32 modelHash = resolve(cli, "--model", model, devnet.map(DevnetInfo::models));
      Bytes32 profileHash = resolve(cli, "--profile", profile, devnet.map(DevnetInfo::profiles));
      boolean exact =
          SpotCheck.EXACT_PROFILE.equals(profile)
              || devnet
                  .map(d -> d.profiles().get(SpotCheck.EXACT_PROFILE))
                  .map(h -> Bytes32.fromHex(h).equals(profileHash))
                  .orElse(false);
      List<ProviderRef> refs = new ArrayList<>();
      try {
        if (providers != null) {
          for (int i = 0; i < providers.size(); i++) {
            refs.add(
                ProviderRef.of("provider " + (i + 1), Multiaddr.parse(providers.get(i).trim())));
          }
        } else if (devnet.isPresent()) {
          for (DevnetInfo.Provider p : devnet.get().providers()) {
            refs.add(ProviderRef.of(p.name(), Multiaddr.parse(p.multiaddr())));
          }
        }
        return new SubmitOptions(
            input,
            out,
            modelHash,
            profileHash,
            exact,
            shards,
            redundancy,
            Amounts.parse(maxPrice),
            Duration.ofMillis(
                Math.round(1000 * (bidWindow != null ? bidWindow : isDevnet ? 1.0 : 5.0))),
            Duration.ofSeconds(commitDeadline != null ? commitDeadline : isDevnet ? 300 : 3600),
            Duration.ofSeconds(challengeWindow != null ? challengeWindow : isDevnet ? 10 : 3600),
            refs,
            spotChecks,
            !noWait);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cli, e.getMessage());
      }
    }

    private static void print(WalletContext context, SubmitSummary s) {
      if (context.json()) {
        context.printJson(s);
        return;
      }
      PrintWriter out = context.out();
      out.printf("job %s: %s%n", s.jobId(), s.state().toLowerCase(java.util.Locale.ROOT));
      for (SubmitSummary.Served a : s.assignments()) {
        out.printf(
            "  %-42s %-14s replica %d  %-10s %s ETH%n",
            a.provider(),
            a.shards(),
            a.replica(),
            a.status(),
            Amounts.eth(new BigInteger(a.price())));
      }
      List<String> phases = new ArrayList<>();
      s.phases().forEach((k, v) -> phases.add(k + " " + v + " ms"));
      out.println("phases:       " + String.join(", ", phases));
      if (s.timeline().containsKey("firstResult")) {
        out.printf(
            "results in:   first %d ms, last %d ms after the start%n",
            s.timeline().get("firstResult"), s.timeline().get("lastResult"));
      }
      out.println("price paid:   " + Amounts.eth(new BigInteger(s.pricePaid())) + " ETH");
      out.println("gas used:     " + s.gasUsed());
      out.println("verification: " + s.verification());
      s.checks().forEach(c -> out.println("  " + c));
      out.printf(
          "balance:      %s ETH before, %s ETH after%n",
          Amounts.eth(new BigInteger(s.balanceBefore())),
          Amounts.eth(new BigInteger(s.balanceAfter())));
      if (s.out() != null) {
        out.println("results:      " + s.out());
      }
      s.problems().forEach(p -> out.println("problem: " + p));
      out.flush();
    }
  }

  /** A name from the devnet's map, or {@code 0x} and 64 hex digits. */
  static Bytes32 resolve(
      CommandLine cli, String option, String value, Optional<Map<String, String>> names) {
    if (value.matches("0x[0-9a-fA-F]{64}")) {
      return Bytes32.fromHex(value);
    }
    Map<String, String> known = names.orElse(Map.of());
    String hash = known.get(value);
    if (hash == null) {
      throw new CommandLine.ParameterException(
          cli,
          option
              + " "
              + value
              + " is neither 0x and 64 hex digits nor a known name"
              + (known.isEmpty()
                  ? " (no devnet file names any)"
                  : " (known: " + known.keySet() + ")"));
    }
    return Bytes32.fromHex(hash);
  }

  // ---------------------------------------------------------------- status and watch

  /** The job's state from chain events and the local job file. */
  static Map<String, Object> describe(
      BigInteger jobId, JobLedger ledger, Optional<JobRecord> file) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("jobId", jobId.toString());
    json.put("chainState", ledger.state().name());
    json.put("walletState", file.map(JobRecord::state).orElse(null));
    json.put("final", ledger.isFinal());
    ledger
        .spec()
        .ifPresent(
            s -> {
              json.put("shardCount", s.shardCount());
              json.put("redundancy", s.redundancy());
              json.put("maxPricePerShard", s.maxPricePerShard().toString());
              json.put("commitDeadline", s.commitDeadline());
              json.put("challengeWindow", s.challengeWindow());
            });
    List<Map<String, Object>> list = new ArrayList<>();
    for (Assignment a : ledger.assignments()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", a.index());
      m.put("replica", a.replica());
      m.put("provider", a.provider());
      m.put("firstShard", a.firstShard());
      m.put("shardCount", a.shardCount());
      m.put("status", a.status().contractName());
      m.put("price", a.payment().toString());
      m.put("commitDeadline", a.commitDeadline());
      m.put("resultRoot", a.resultRoot().isZero() ? null : a.resultRoot().toString());
      m.put("challengeDeadline", a.challengeDeadline() == 0 ? null : a.challengeDeadline());
      list.add(m);
    }
    json.put("assignments", list);
    json.put("paid", ledger.paid().toString());
    json.put("refunded", ledger.refunded().toString());
    file.ifPresent(
        f -> {
          json.put("inputFile", f.inputFile());
          json.put("outFile", f.outFile());
          json.put("verification", f.verification());
          json.put("problems", f.problems());
        });
    return json;
  }

  static void printStatus(
      PrintWriter out, BigInteger jobId, JobLedger ledger, Optional<JobRecord> file) {
    out.printf(
        "job %s: %s on chain%s%n",
        jobId,
        ledger.state().name().toLowerCase(java.util.Locale.ROOT),
        file.map(f -> ", " + f.state().toLowerCase(java.util.Locale.ROOT) + " in this wallet")
            .orElse(""));
    long now = Instant.now().getEpochSecond();
    for (Assignment a : ledger.assignments()) {
      String when =
          switch (a.status()) {
            case ASSIGNED ->
                a.commitDeadline() >= now
                    ? "commit due in " + (a.commitDeadline() - now) + " s"
                    : "commit deadline passed (reclaimable)";
            case COMMITTED ->
                a.challengeDeadline() >= now
                    ? "challenge window open " + (a.challengeDeadline() - now) + " s more"
                    : "finalizable";
            default -> "";
          };
      out.printf(
          "  #%d %-42s %-14s replica %d  %-12s %s%n",
          a.index(),
          a.provider(),
          new ShardRange(a.firstShard(), a.shardCount()),
          a.replica(),
          a.status().contractName(),
          when);
    }
    if (ledger.paid().signum() > 0) {
      out.println("  paid to providers: " + Amounts.eth(ledger.paid()) + " ETH");
    }
    file.ifPresent(
        f -> {
          if (f.verification() != null) {
            out.println("  verification: " + f.verification());
          }
          f.problems().forEach(p -> out.println("  problem: " + p));
        });
    out.flush();
  }

  /** Reads the job's events; an unknown job is an error naming it. */
  static JobLedger ledger(Market market, BigInteger jobId) {
    JobLedger ledger = JobLedger.of(jobId, market.events(jobId));
    if (ledger.state() == JobLedger.JobState.UNKNOWN && ledger.assignments().isEmpty()) {
      throw new JobException("no job " + jobId + " on this market");
    }
    return ledger;
  }

  static BigInteger jobId(CommandLine cli, String text) {
    try {
      return JobStore.parseJobId(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage());
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "A job's state: each assignment from chain events, plus this wallet's notes.")
  static final class Status implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WalletContext context = AccountCommand.context(spec);
      BigInteger jobId = jobId(spec.commandLine(), id);
      try (WalletChain chain = WalletChain.readOnly(context, account)) {
        JobLedger ledger = ledger(chain.market, jobId);
        Optional<JobRecord> file = JobStore.fromEnvironment(context.environment()).load(jobId);
        if (context.json()) {
          context.printJson(describe(jobId, ledger, file));
        } else {
          printStatus(context.out(), jobId, ledger, file);
        }
        return 0;
      }
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = "Prints a job's state as it changes until it is final (exit 1 on --timeout).")
  static final class Watch implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Option(
        names = "--timeout",
        defaultValue = "600",
        paramLabel = "S",
        description = "Give up after S seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(
        names = "--interval",
        defaultValue = "1",
        paramLabel = "S",
        description = "Seconds between refreshes (default: ${DEFAULT-VALUE}).")
    double intervalSeconds;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      WalletContext context = AccountCommand.context(spec);
      BigInteger jobId = jobId(spec.commandLine(), id);
      Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
      Duration interval = Duration.ofMillis(Math.max(100, Math.round(intervalSeconds * 1000)));
      JobStore store = JobStore.fromEnvironment(context.environment());
      try (WalletChain chain = WalletChain.readOnly(context, account)) {
        Object last = null;
        while (true) {
          JobLedger ledger = ledger(chain.market, jobId);
          Map<String, Object> now = describe(jobId, ledger, store.load(jobId));
          Object key =
              List.of(
                  ledger.state(), ledger.assignments().stream().map(Assignment::status).toList());
          if (!key.equals(last)) {
            if (context.json()) {
              context.printJson(now);
            } else {
              printStatus(context.out(), jobId, ledger, store.load(jobId));
            }
            last = key;
          }
          if (ledger.isFinal()) {
            return 0;
          }
          if (!Instant.now().isBefore(deadline)) {
            context
                .err()
                .println("error: job " + jobId + " is not final after " + timeoutSeconds + " s");
            context.err().flush();
            return WalletMain.EXIT_FAILURE;
          }
          Waits.pause(interval);
        }
      }
    }
  }

  // ---------------------------------------------------------------- finalize, reclaim, cancel

  @Command(
      name = "finalize",
      mixinStandardHelpOptions = true,
      description =
          "Finalizes every assignment whose challenge window has passed (pays providers).")
  static final class Finalize implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WalletContext context = AccountCommand.context(spec);
      BigInteger jobId = jobId(spec.commandLine(), id);
      try (WalletChain chain = WalletChain.open(context, account, true)) {
        JobLedger ledger = ledger(chain.market, jobId);
        long now = chain.market.now();
        List<Map<String, Object>> done = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (Assignment a : ledger.assignments()) {
          if (a.status() != Assignment.Status.COMMITTED) {
            continue;
          }
          if (a.challengeDeadline() >= Math.max(now, Instant.now().getEpochSecond())) {
            waiting.add("#" + a.index() + " until " + Instant.ofEpochSecond(a.challengeDeadline()));
            continue;
          }
          BigInteger paid = chain.market.finalizeAssignment(a);
          done.add(
              Map.of("index", a.index(), "provider", a.provider(), "payment", paid.toString()));
          if (!context.json()) {
            context
                .out()
                .printf(
                    "finalized #%d (%s): paid %s ETH%n",
                    a.index(), a.provider(), Amounts.eth(paid));
          }
        }
        markFinal(context, chain.market, jobId);
        return report(context, "finalized", done, waiting, "nothing to finalize");
      }
    }
  }

  @Command(
      name = "reclaim",
      mixinStandardHelpOptions = true,
      description =
          "Reclaims every assignment not committed by its deadline (slashes the provider).")
  static final class Reclaim implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WalletContext context = AccountCommand.context(spec);
      BigInteger jobId = jobId(spec.commandLine(), id);
      try (WalletChain chain = WalletChain.open(context, account, true)) {
        JobLedger ledger = ledger(chain.market, jobId);
        long now = Math.max(chain.market.now(), Instant.now().getEpochSecond());
        List<Map<String, Object>> done = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (Assignment a : ledger.assignments()) {
          if (a.status() != Assignment.Status.ASSIGNED) {
            continue;
          }
          if (a.commitDeadline() >= now) {
            waiting.add(
                "#" + a.index() + " may commit until " + Instant.ofEpochSecond(a.commitDeadline()));
            continue;
          }
          BigInteger back = chain.market.reclaim(a);
          done.add(
              Map.of("index", a.index(), "provider", a.provider(), "credited", back.toString()));
          if (!context.json()) {
            context
                .out()
                .printf(
                    "reclaimed #%d from %s: %s ETH credited (hyphae withdraw pays it out)%n",
                    a.index(), a.provider(), Amounts.eth(back));
          }
        }
        markFinal(context, chain.market, jobId);
        return report(context, "reclaimed", done, waiting, "nothing to reclaim");
      }
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancels a job that has no assignments yet; its escrow is credited back.")
  static final class Cancel implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WalletContext context = AccountCommand.context(spec);
      BigInteger jobId = jobId(spec.commandLine(), id);
      JobStore store = JobStore.fromEnvironment(context.environment());
      try (WalletChain chain = WalletChain.open(context, account, true)) {
        JobLedger ledger = ledger(chain.market, jobId);
        if (ledger.state() != JobLedger.JobState.OPEN) {
          throw new JobException(
              "job "
                  + jobId
                  + " is "
                  + ledger.state().name().toLowerCase(java.util.Locale.ROOT)
                  + ": only an open job (no assignments yet) can be cancelled");
        }
        JobSpec jobSpec =
            ledger.spec().orElseGet(() -> store.load(jobId).orElseThrow().spec().toSpec());
        chain.market.cancelJob(jobSpec);
        BigInteger escrow = jobSpec.escrow();
        store
            .load(jobId)
            .ifPresent(
                r -> store.save(r.with(JobRecord.State.CANCELLED, Instant.now().getEpochSecond())));
        if (context.json()) {
          context.printJson(
              Map.of("jobId", jobId.toString(), "cancelled", true, "credited", escrow.toString()));
        } else {
          context
              .out()
              .printf(
                  "cancelled job %s: %s ETH escrow credited (hyphae withdraw pays it out)%n",
                  jobId, Amounts.eth(escrow));
          context.out().flush();
        }
        return 0;
      }
    }
  }

  @Command(
      name = "challenge",
      mixinStandardHelpOptions = true,
      description =
          "Challenges one shard's committed result with its receipt's leaf, proof and the bond;"
              + " a committee of staked providers re-runs it and votes.")
  static final class Challenge implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Option(names = "--shard", required = true, paramLabel = "S", description = "The shard.")
    int shard;

    @Option(
        names = "--replica",
        defaultValue = "0",
        paramLabel = "R",
        description = "Which replica's result (default: ${DEFAULT-VALUE}).")
    int replica;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WalletContext context = AccountCommand.context(spec);
      BigInteger jobId = jobId(spec.commandLine(), id);
      JobRecord file =
          JobStore.fromEnvironment(context.environment())
              .load(jobId)
              .orElseThrow(
                  () ->
                      new JobException(
                          "no job file for job "
                              + jobId
                              + ": the receipts a challenge proves are kept by the wallet that"
                              + " submitted the job"));
      try (WalletChain chain = WalletChain.open(context, account, true)) {
        JobLedger ledger = ledger(chain.market, jobId);
        Assignment a =
            ledger.assignments().stream()
                .filter(x -> x.replica() == replica && x.covers(shard))
                .findFirst()
                .orElseThrow(
                    () ->
                        new JobException(
                            "no assignment of replica " + replica + " covers shard " + shard));
        if (a.status() != Assignment.Status.COMMITTED) {
          throw new JobException(
              "assignment #"
                  + a.index()
                  + " is "
                  + a.status().contractName()
                  + ": only a committed result inside its challenge window can be challenged");
        }
        java.util.TreeMap<Integer, JobRecord.LeafJson> leaves = new java.util.TreeMap<>();
        file.leaves().stream()
            .filter(l -> l.assignment() == a.index())
            .forEach(l -> leaves.put(l.shard(), l));
        if (leaves.size() != a.shardCount()) {
          throw new JobException(
              "the wallet holds receipts for "
                  + leaves.size()
                  + " of the assignment's "
                  + a.shardCount()
                  + " shards: without every leaf there is no proof");
        }
        List<byte[]> resultLeaves = new ArrayList<>();
        leaves
            .values()
            .forEach(
                l ->
                    resultLeaves.add(
                        io.hyphae.contracts.chain.MarketHashes.resultLeaf(
                            l.shard(), hex(l.inputLeaf()), hex(l.outputHash()))));
        byte[] root = io.hyphae.contracts.chain.MarketHashes.merkleRoot(resultLeaves);
        if (!java.util.Arrays.equals(root, a.resultRoot().toArray())) {
          throw new JobException(
              "the receipts do not give the committed root "
                  + a.resultRoot()
                  + ": the provider committed results it did not deliver (demand the leaf instead)");
        }
        JobRecord.LeafJson leaf = leaves.get(shard);
        BigInteger bond = chain.market.challengeBond();
        var receipt =
            chain.client.challenge(
                generated(a),
                shard,
                hex(leaf.inputLeaf()),
                hex(leaf.outputHash()),
                io.hyphae.contracts.chain.MarketHashes.merkleProof(
                    resultLeaves, shard - a.firstShard()),
                bond);
        var opened = io.hyphae.contracts.chain.MarketClient.challengeOf(receipt);
        if (context.json()) {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("challengeId", opened.challengeId.toString());
          json.put("jobId", jobId.toString());
          json.put("index", a.index());
          json.put("shard", shard);
          json.put("bond", bond.toString());
          json.put("gasUsed", receipt.getGasUsed().longValueExact());
          context.printJson(json);
        } else {
          context
              .out()
              .printf(
                  "challenged shard %d of %s (assignment #%d): challenge %s, bond %s ETH; a committee"
                      + " re-runs it and votes%n",
                  shard, a.provider(), a.index(), opened.challengeId, Amounts.eth(bond));
          context.out().flush();
        }
        return 0;
      }
    }

    private static byte[] hex(String h) {
      return java.util.HexFormat.of().parseHex(h.startsWith("0x") ? h.substring(2) : h);
    }

    private static io.hyphae.contracts.generated.JobMarket.Assignment generated(Assignment a) {
      return new io.hyphae.contracts.generated.JobMarket.Assignment(
          a.jobId(),
          BigInteger.valueOf(a.index()),
          BigInteger.valueOf(a.replica()),
          BigInteger.valueOf(a.status().ordinal()),
          a.requester(),
          a.provider(),
          BigInteger.valueOf(a.firstShard()),
          BigInteger.valueOf(a.shardCount()),
          a.pricePerShard(),
          a.collateral(),
          BigInteger.valueOf(a.commitDeadline()),
          BigInteger.valueOf(a.challengeWindow()),
          a.resultRoot().toArray(),
          BigInteger.valueOf(a.challengeDeadline()));
    }
  }

  private static void markFinal(WalletContext context, Market market, BigInteger jobId) {
    JobStore store = JobStore.fromEnvironment(context.environment());
    Optional<JobRecord> file = store.load(jobId);
    if (file.isEmpty()) {
      return;
    }
    JobLedger ledger = JobLedger.of(jobId, market.events(jobId));
    JobRecord r = file.get().withAssignments(ledger.assignments(), Instant.now().getEpochSecond());
    if (ledger.isFinal()) {
      r = r.with(JobRecord.State.FINALIZED, Instant.now().getEpochSecond());
    }
    store.save(r);
  }

  private static int report(
      WalletContext context,
      String what,
      List<Map<String, Object>> done,
      List<String> waiting,
      String none) {
    if (context.json()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put(what, done);
      json.put("waiting", waiting);
      context.printJson(json);
    } else {
      if (done.isEmpty()) {
        context.out().println(none + (waiting.isEmpty() ? "" : ": " + String.join("; ", waiting)));
      }
      context.out().flush();
    }
    return 0;
  }
}
