package io.hyphae.wallet;

import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.wallet.job.Amounts;
import io.hyphae.wallet.job.ChallengeState;
import io.hyphae.wallet.job.Challenger;
import io.hyphae.wallet.job.InputRows;
import io.hyphae.wallet.job.JobException;
import io.hyphae.wallet.job.JobLedger;
import io.hyphae.wallet.job.JobRecord;
import io.hyphae.wallet.job.JobStore;
import io.hyphae.wallet.job.LocalRerun;
import io.hyphae.wallet.job.ProviderRef;
import io.hyphae.wallet.job.RequesterAccount;
import io.hyphae.wallet.job.RequesterPeer;
import io.hyphae.wallet.job.ShardRange;
import io.hyphae.wallet.job.Sharding;
import io.hyphae.wallet.job.SpotCheck;
import io.hyphae.wallet.job.SubmitFlow;
import io.hyphae.wallet.job.SubmitOptions;
import io.hyphae.wallet.job.SubmitSummary;
import io.hyphae.wallet.job.Waits;
import io.hyphae.wallet.job.Web3jChallengeChain;
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
        names = "--verifier",
        defaultValue = "auto",
        paramLabel = "auto|providers|local",
        converter = VerifierConverter.class,
        description =
            "Who re-runs the spot checks: another provider, else this machine when the model is"
                + " here (auto); providers only; this machine only (local). Default:"
                + " ${DEFAULT-VALUE}.")
    SpotCheck.Verifier verifier;

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
                    options,
                    chain.requester(),
                    new Web3jChallengeChain(chain.client),
                    peer,
                    store,
                    context.err(),
                    Clock.systemUTC(),
                    LocalRerun.nextTo(((WalletMain) spec.root().userObject()).root()))
                .run();
        print(context, summary);
        return summary.requesterWhole() ? 0 : WalletMain.EXIT_FAILURE;
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
      List<ProviderRef> known = new ArrayList<>();
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
        known.addAll(refs);
        devnet.ifPresent(
            d -> d.providers().forEach(p -> addQuietly(known, p.name(), p.multiaddr())));
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
            verifier,
            !noWait,
            known);
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
      s.challenges().forEach(c -> printChallenge(out, c));
      s.problems().forEach(p -> out.println("problem: " + p));
      out.flush();
    }
  }

  /** {@code --verifier}: auto, providers or local, in any case. */
  static final class VerifierConverter implements CommandLine.ITypeConverter<SpotCheck.Verifier> {
    @Override
    public SpotCheck.Verifier convert(String value) {
      try {
        return SpotCheck.Verifier.valueOf(value.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not auto, providers or local");
      }
    }
  }

  /** Adds a provider by its address; one that does not name a secp256k1 peer is skipped. */
  static void addQuietly(List<ProviderRef> out, String name, String multiaddr) {
    try {
      out.add(ProviderRef.of(name, Multiaddr.parse(multiaddr)));
    } catch (IllegalArgumentException e) {
      // An address that does not name a secp256k1 peer cannot be a committee member's.
    }
  }

  /** One challenge of the job file, for people. */
  static void printChallenge(PrintWriter out, JobRecord.ChallengeJson c) {
    if (c.challengeId() == null) {
      out.printf(
          "challenge:    shard %d of %s not challenged: %s%n", c.shard(), c.provider(), c.note());
      return;
    }
    out.printf(
        "challenge:    %s, shard %d of %s (assignment #%d): %s%n",
        c.challengeId(),
        c.shard(),
        c.provider(),
        c.assignment(),
        c.verdict() != null ? c.verdict() : "no verdict yet");
    out.printf(
        "  committee %s; votes committed %d, revealed %d of %d%n",
        c.members(), c.committed(), c.revealed(), c.members().size());
    for (JobRecord.EvidenceJson e : c.evidence()) {
      out.printf(
          "  evidence to %s: %s%s%n",
          e.member(),
          e.status().toLowerCase(java.util.Locale.ROOT),
          e.detail() == null ? "" : " (" + e.detail() + ")");
    }
    if (c.verdict() != null) {
      out.printf(
          "  slashed %s ETH, refund %s ETH, bond %s, challenger's share %s ETH%n",
          Amounts.eth(new BigInteger(c.slashed())),
          Amounts.eth(new BigInteger(c.refund())),
          Boolean.TRUE.equals(c.bondReturned()) ? "returned" : "lost",
          Amounts.eth(new BigInteger(c.challengerShare())));
    } else if (c.note() != null) {
      out.println("  " + c.note());
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
      BigInteger jobId,
      JobLedger ledger,
      List<ChallengeState> challenges,
      Optional<JobRecord> file) {
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
    List<Map<String, Object>> cs = new ArrayList<>();
    for (ChallengeState c : challenges) {
      cs.add(challengeJson(c));
    }
    json.put("challenges", cs);
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

  /** A challenge as the chain has it, for {@code --json}. */
  static Map<String, Object> challengeJson(ChallengeState c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("challengeId", c.challengeId().toString());
    m.put("index", c.index());
    m.put("shard", c.shard());
    m.put("challenger", c.challenger());
    m.put("state", c.resolved() ? "Resolved" : "Challenged");
    m.put("members", c.members());
    m.put("committed", c.committed().stream().sorted().toList());
    m.put("revealed", new java.util.TreeMap<>(c.revealed()));
    m.put("commitDeadline", c.commitDeadline());
    m.put("revealDeadline", c.revealDeadline());
    m.put("verdict", c.resolution().map(r -> r.verdict().contractName()).orElse(null));
    m.put("pool", c.resolution().map(r -> r.pool().toString()).orElse(null));
    return m;
  }

  static void printStatus(
      PrintWriter out,
      BigInteger jobId,
      JobLedger ledger,
      List<ChallengeState> challenges,
      Optional<JobRecord> file) {
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
    for (ChallengeState c : challenges) {
      out.printf(
          "  challenge %s of shard %d (#%d): %s; committee %s; votes committed %d, revealed %d"
              + " of %d%n",
          c.challengeId(),
          c.shard(),
          c.index(),
          c.resolution()
              .map(r -> r.verdict().contractName())
              .orElse(
                  now <= c.commitDeadline()
                      ? "Challenged, voting until " + Instant.ofEpochSecond(c.commitDeadline())
                      : now <= c.revealDeadline()
                          ? "Challenged, revealing until "
                              + Instant.ofEpochSecond(c.revealDeadline())
                          : "Challenged, resolvable"),
          c.members(),
          c.committed().size(),
          c.revealed().size(),
          c.members().size());
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

  /** Reads the job's events and its challenges; an unknown job is an error naming it. */
  static JobLedger ledger(WalletChain chain, BigInteger jobId, List<ChallengeState> challenges) {
    JobLedger ledger = JobLedger.of(jobId, chain.market.events(jobId));
    if (ledger.state() == JobLedger.JobState.UNKNOWN && ledger.assignments().isEmpty()) {
      throw new JobException("no job " + jobId + " on this market");
    }
    return ledger.withChallenges(challenges);
  }

  static JobLedger ledger(WalletChain chain, BigInteger jobId) {
    return ledger(chain, jobId, new Web3jChallengeChain(chain.client).ofJob(jobId));
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
        List<ChallengeState> challenges = new Web3jChallengeChain(chain.client).ofJob(jobId);
        JobLedger ledger = ledger(chain, jobId, challenges);
        Optional<JobRecord> file = JobStore.fromEnvironment(context.environment()).load(jobId);
        if (context.json()) {
          context.printJson(describe(jobId, ledger, challenges, file));
        } else {
          printStatus(context.out(), jobId, ledger, challenges, file);
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
          List<ChallengeState> challenges = new Web3jChallengeChain(chain.client).ofJob(jobId);
          JobLedger ledger = ledger(chain, jobId, challenges);
          Map<String, Object> now = describe(jobId, ledger, challenges, store.load(jobId));
          Object key =
              List.of(
                  ledger.state(),
                  ledger.assignments().stream().map(Assignment::status).toList(),
                  challenges.stream()
                      .map(
                          c ->
                              List.of(
                                  c.committed().size(),
                                  c.revealed().size(),
                                  c.resolution().map(r -> r.verdict().name()).orElse("")))
                      .toList());
          if (!key.equals(last)) {
            if (context.json()) {
              context.printJson(now);
            } else {
              printStatus(context.out(), jobId, ledger, challenges, store.load(jobId));
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
        JobLedger ledger = ledger(chain, jobId);
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
        markFinal(context, chain, jobId);
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
        JobLedger ledger = ledger(chain, jobId);
        long now = Math.max(chain.market.now(), Instant.now().getEpochSecond());
        List<Map<String, Object>> done = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (Assignment a : ledger.assignments()) {
          if (a.status() == Assignment.Status.LEAF_DEMANDED) {
            claimWithheld(context, chain, a, done, waiting);
            continue;
          }
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
        markFinal(context, chain, jobId);
        return report(context, "reclaimed", done, waiting, "nothing to reclaim");
      }
    }

    /** Slashes a provider that left a leaf demand unanswered past its response deadline. */
    private static void claimWithheld(
        WalletContext context,
        WalletChain chain,
        Assignment a,
        List<Map<String, Object>> done,
        List<String> waiting) {
      try {
        BigInteger back = chain.market.claimWithheld(a);
        done.add(Map.of("index", a.index(), "provider", a.provider(), "credited", back.toString()));
        if (!context.json()) {
          context
              .out()
              .printf(
                  "claimed #%d's withheld leaf from %s: %s ETH credited (hyphae withdraw pays it"
                      + " out)%n",
                  a.index(), a.provider(), Amounts.eth(back));
        }
      } catch (io.hyphae.contracts.chain.ContractRevertException e) {
        if (!"ResponseDeadlineNotPassed".equals(e.errorName())) {
          throw e;
        }
        waiting.add("#" + a.index() + " may still answer its leaf demand");
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
        JobLedger ledger = ledger(chain, jobId);
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
          "Challenges one shard's committed result with its receipt's leaf, proof and the bond,"
              + " gives the committee the evidence, and with --wait waits for the verdict.")
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

    @Option(
        names = "--wait",
        description =
            "Wait for the verdict (resolving the challenge when due), then withdraw what is owed.")
    boolean waitForVerdict;

    @Mixin AccountOptions account;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      WalletContext context = AccountCommand.context(spec);
      BigInteger jobId = jobId(spec.commandLine(), id);
      JobStore store = JobStore.fromEnvironment(context.environment());
      JobRecord file =
          store
              .load(jobId)
              .orElseThrow(
                  () ->
                      new JobException(
                          "no job file for job "
                              + jobId
                              + ": the receipts a challenge proves are kept by the wallet that"
                              + " submitted the job"));
      try (WalletChain chain = WalletChain.open(context, account, true);
          RequesterPeer peer = RequesterPeer.start(chain.p2pKey())) {
        Web3jChallengeChain challenges = new Web3jChallengeChain(chain.client);
        JobLedger ledger = ledger(chain, jobId);
        Assignment a =
            ledger.assignments().stream()
                .filter(x -> x.replica() == replica && x.covers(shard))
                .findFirst()
                .orElseThrow(
                    () ->
                        new JobException(
                            "no assignment of replica " + replica + " covers shard " + shard));
        RequesterAccount requester = chain.requester();
        Challenger challenger =
            new Challenger(
                chain.market,
                challenges,
                peer,
                knownProviders(context, file),
                requester.balance(),
                requester.gasPrice(),
                context.err(),
                Clock.systemUTC());
        Optional<JobRecord.ChallengeJson> before =
            file.challenges().stream()
                .filter(c -> c.assignment() == a.index() && c.challengeId() != null)
                .findFirst();
        ChallengeState c;
        List<JobRecord.EvidenceJson> evidence;
        String reason = before.map(JobRecord.ChallengeJson::reason).orElse("challenged by hand");
        if (a.status() == Assignment.Status.CHALLENGED && before.isPresent()) {
          // This wallet opened it (job submit or an earlier call): follow it.
          c =
              challenges
                  .state(new BigInteger(before.get().challengeId()))
                  .orElseThrow(() -> new JobException("challenge not found on chain"));
          evidence = before.get().evidence();
        } else {
          c = challenger.open(a, shard, file.leaves());
          byte[] input = shardInput(file, shard, c);
          byte[] output =
              store
                  .loadOutput(jobId, a.index(), shard)
                  .orElseThrow(
                      () ->
                          new JobException(
                              "challenge "
                                  + c.challengeId()
                                  + " is open but this wallet kept no output of shard "
                                  + shard
                                  + " to give the committee"));
          evidence = challenger.deliver(c, input, output);
        }
        BigInteger bond = challenges.bond();
        file = file.withChallenge(Challenger.record(c, a, bond, reason, evidence), now());
        store.save(file);
        ChallengeState last = c;
        if (waitForVerdict && !c.resolved()) {
          last = challenger.await(c, a, Duration.ofSeconds(30));
          if (last.resolved()) {
            BigInteger owed = chain.market.withdrawable(chain.market.account());
            if (owed.signum() > 0) {
              chain.market.withdraw();
            }
          }
          file = file.withChallenge(Challenger.record(last, a, bond, reason, evidence), now());
          store.save(file);
          markFinal(context, chain, jobId);
        }
        JobRecord.ChallengeJson result = Challenger.record(last, a, bond, reason, evidence);
        if (context.json()) {
          context.printJson(result);
        } else {
          printChallenge(context.out(), result);
          context.out().flush();
        }
        return !waitForVerdict || result.upheld() ? 0 : WalletMain.EXIT_FAILURE;
      }
    }

    /** The shard's canonical input, re-read from the job's input file and checked. */
    private static byte[] shardInput(JobRecord file, int shard, ChallengeState c) {
      List<ShardInput> shards =
          Sharding.split(InputRows.read(Path.of(file.inputFile())), file.spec().shardCount());
      byte[] input = ShardCodec.encodeInput(shards.get(shard));
      if (!ShardLeaves.inputLeaf(shard, Keccak256.hash(input)).equals(c.inputLeaf())) {
        throw new JobException(
            "challenge "
                + c.challengeId()
                + " is open but the input file "
                + file.inputFile()
                + " changed since the job was posted: its shard "
                + shard
                + " no longer matches");
      }
      return input;
    }

    /** Where committee members may be found: the job's providers, then the devnet's. */
    private static List<ProviderRef> knownProviders(WalletContext context, JobRecord file) {
      List<ProviderRef> out = new ArrayList<>();
      for (JobRecord.ProviderJson p : file.providers()) {
        addQuietly(out, p.name(), p.multiaddr());
      }
      context
          .devnet()
          .ifPresent(d -> d.providers().forEach(p -> addQuietly(out, p.name(), p.multiaddr())));
      return out;
    }

    private static long now() {
      return Instant.now().getEpochSecond();
    }
  }

  private static void markFinal(WalletContext context, WalletChain chain, BigInteger jobId) {
    JobStore store = JobStore.fromEnvironment(context.environment());
    Optional<JobRecord> file = store.load(jobId);
    if (file.isEmpty()) {
      return;
    }
    JobLedger ledger = ledger(chain, jobId);
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
