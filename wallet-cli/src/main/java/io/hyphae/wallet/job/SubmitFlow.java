package io.hyphae.wallet.job;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.SignedBid;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardOutput;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The requester's whole job, step by step (docs/wallet.md "job submit"): read and shard the input,
 * post the job, collect bids, assign, serve inputs and take results, check each committed root
 * against the receipts, spot-check rows on another provider, write the output, and settle. Each
 * step is saved to the job file so {@code job status} and a restarted wallet know the job.
 */
public final class SubmitFlow {

  /** How often the chain is polled while waiting. */
  private static final Duration POLL = Duration.ofMillis(250);

  /** How long after its window a provider gets to finalize before the requester does it. */
  private static final Duration PROVIDER_FINALIZE_GRACE = Duration.ofSeconds(2);

  /** Bounded retries of a deadline-gated transaction whose block is still inside the window. */
  private static final int WINDOW_RETRIES = 20;

  /** Bids must stay valid this long after the bid window, for the assign transaction. */
  private static final long BID_EXPIRY_MARGIN_S = 30;

  private final SubmitOptions options;
  private final RequesterAccount account;
  private final RequesterPeer peer;
  private final JobStore store;
  private final PrintWriter progress;
  private final Clock clock;
  private final Map<String, Long> phases = new LinkedHashMap<>();
  private final Map<String, Long> timeline = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();

  private JobRecord record;
  private Instant started;
  private Instant phaseStart;
  private volatile RequesterSession session;
  private int resultsSeen;
  private String lastProgress = "";

  public SubmitFlow(
      SubmitOptions options,
      RequesterAccount account,
      RequesterPeer peer,
      JobStore store,
      PrintWriter progress,
      Clock clock) {
    this.options = options;
    this.account = account;
    this.peer = peer;
    this.store = store;
    this.progress = progress;
    this.clock = clock;
  }

  /** Runs the job; throws {@link JobException} with the reason when it cannot finish. */
  public SubmitSummary run() throws InterruptedException {
    Market market = account.market();
    started = clock.instant();
    phaseStart = started;

    // ---- prepare: nothing is sent before the input and the funds are known to be good
    List<String> rows = InputRows.read(options.input());
    List<ShardInput> shards;
    try {
      shards = Sharding.split(rows, options.shards());
    } catch (IllegalArgumentException e) {
      throw new InputFileException(options.input() + ": " + e.getMessage(), e);
    }
    BigInteger before = account.balance().get();
    BigInteger escrow =
        options
            .maxPricePerShard()
            .multiply(BigInteger.valueOf((long) options.shards() * options.redundancy()));
    // post, assign, a finalize per assignment and a withdraw: generous, so the job cannot stall.
    BigInteger gasAllowance = account.gasPrice().get().multiply(BigInteger.valueOf(2_000_000));
    if (before.compareTo(escrow.add(gasAllowance)) < 0) {
      throw new JobException(
          "insufficient funds: need "
              + Amounts.eth(escrow.add(gasAllowance))
              + " ETH, have "
              + Amounts.eth(before)
              + " ETH (escrow "
              + Amounts.eth(escrow)
              + " ETH plus gas, account "
              + market.account()
              + ")");
    }
    List<String> unreachable = new ArrayList<>();
    List<ProviderRef> providers = peer.dial(options.providers(), unreachable);
    unreachable.forEach(u -> note("unreachable provider " + u));
    if (providers.isEmpty()) {
      throw new JobException(
          "no provider reachable"
              + (options.providers().isEmpty()
                  ? ": none given (--providers, or a devnet's providers)"
                  : ": " + String.join("; ", unreachable)));
    }
    phase("prepare");

    // ---- post
    long chainNow = Math.max(market.now(), clock.instant().getEpochSecond());
    JobSpec spec =
        new JobSpec(
            market(options.modelHash()),
            market(options.profileHash()),
            market(io.hyphae.protocol.commitment.ShardLeaves.inputTree(shards).root()),
            options.shards(),
            options.redundancy(),
            options.maxPricePerShard(),
            chainNow + options.commitDeadline().toSeconds(),
            options.challengeWindow().toSeconds(),
            random.nextLong() & Long.MAX_VALUE,
            peer.peerId().toBytes());
    BigInteger jobId = market.jobId(market.account(), spec);
    RequesterSession session =
        new RequesterSession(
            jobId, options.profileHash(), account.eip712(), shards, this::sessionChanged);
    this.session = session;
    peer.serve(session);
    record =
        new JobRecord(
            JobRecord.VERSION,
            jobId.toString(),
            account.chainId(),
            account.marketAddress(),
            market.account(),
            JobRecord.State.POSTED.name(),
            options.input().toAbsolutePath().toString(),
            options.out() == null ? null : options.out().toAbsolutePath().toString(),
            rows.size(),
            JobRecord.SpecJson.of(spec),
            List.of(),
            List.of(),
            null,
            clock.instant().getEpochSecond(),
            clock.instant().getEpochSecond(),
            List.of());
    market.postJob(spec);
    save();
    progress.printf(
        "posted job %s: %d rows in %d shards, escrow %s ETH%n",
        jobId, rows.size(), options.shards(), Amounts.eth(escrow));
    progress.flush();
    phase("post");

    // ---- bids
    Instant bidDeadline = clock.instant().plus(options.bidWindow());
    long minExpiry =
        clock.instant().getEpochSecond() + options.bidWindow().toSeconds() + BID_EXPIRY_MARGIN_S;
    BidPlanner.Outcome outcome =
        new BidPlanner(peer, new BidCheck(account.eip712(), options.maxPricePerShard()), clock)
            .collect(
                jobId,
                options.shards(),
                options.redundancy(),
                providers,
                bidDeadline,
                Math.min(minExpiry, spec.commitDeadline()));
    outcome.refusals().forEach(r -> note("no bid: " + r));
    phase("bids");
    if (!outcome.complete()) {
      market.cancelJob(spec);
      BigInteger back = withdrawAll(market);
      record = record.with(JobRecord.State.CANCELLED, now());
      save();
      throw new JobException(
          (outcome.bids().isEmpty()
                  ? "no bids before the deadline"
                  : "bids did not cover replica " + outcome.uncovered() + " before the deadline")
              + ": job "
              + jobId
              + " cancelled, "
              + Amounts.eth(back)
              + " ETH escrow returned"
              + (outcome.refusals().isEmpty()
                  ? ""
                  : " (" + String.join("; ", outcome.refusals()) + ")"));
    }

    // ---- assign: providers may fetch inputs as soon as they see the assignment, so the
    // session knows it (from the bids) before the transaction is sent.
    session.assigned(predicted(jobId, spec, outcome.bids()));
    List<Assignment> assignments;
    try {
      assignments = market.assign(spec, outcome.bids());
    } catch (ChainException e) {
      session.assigned(List.of());
      cancelQuietly(market, spec);
      throw new JobException("assigning the job failed, job cancelled: " + e.getMessage(), e);
    }
    session.assigned(assignments);
    record = record.withAssignments(assignments, now()).with(JobRecord.State.ASSIGNED, now());
    save();
    for (Assignment a : assignments) {
      progress.printf(
          "assigned %s to %s (replica %d, %s wei per shard)%n",
          new ShardRange(a.firstShard(), a.shardCount()),
          a.provider(),
          a.replica(),
          a.pricePerShard());
    }
    progress.flush();
    phase("assign");

    // ---- execute: results arrive over the connection; each provider commits one root
    Map<Integer, Assignment> current = awaitCommits(market, session, jobId, spec);
    record = record.withLeaves(leaves(session, current.values()), now());
    save();
    phase("execute");

    // ---- verify and write
    Map<Integer, AcceptedResult> chosen = chooseResults(session, current);
    List<String> checks = new ArrayList<>();
    String verification = spotCheck(session, chosen, providers, checks);
    record = record.withVerification(verification, now());
    save();
    phase("verify");
    if (chosen.size() == shards.size() && options.out() != null) {
      OutputRows.write(options.out(), shards, chosen);
      progress.printf("wrote %d rows to %s%n", rows.size(), options.out());
    }
    if (chosen.size() == shards.size() && "failed".equals(verification)) {
      note(
          "spot checks failed: challenge the shard (hyphae job challenge " + jobId + " --shard S)");
    }
    if (chosen.size() == shards.size() && !"failed".equals(verification)) {
      record = record.with(JobRecord.State.VERIFIED, now());
      save();
    }

    // ---- settle
    if (options.waitForSettlement()) {
      boolean finalize = !"failed".equals(verification);
      current = settle(market, jobId, current, finalize);
      withdrawAll(market);
      phase("settle");
    }
    JobLedger ledger = JobLedger.of(jobId, market.events(jobId));
    if (ledger.isFinal()) {
      record = record.with(JobRecord.State.FINALIZED, now());
    }
    record = record.withAssignments(ledger.assignments(), now());
    save();
    BigInteger after = account.balance().get();
    SubmitSummary summary =
        summary(jobId, ledger, verification, checks, before, after, chosen.size() == shards.size());
    if (chosen.size() != shards.size()) {
      // Reclaimed payments and collateral are the requester's: pay them out now.
      withdrawAll(market);
      record = record.with(JobRecord.State.FAILED, now());
      save();
      throw new JobException(
          "job "
              + jobId
              + " is incomplete: "
              + String.join("; ", problems)
              + " (no output written)");
    }
    return summary;
  }

  // ---------------------------------------------------------------- execution

  /** Waits for every assignment's commit (or reclaims it after its deadline); checks roots. */
  private Map<Integer, Assignment> awaitCommits(
      Market market, RequesterSession session, BigInteger jobId, JobSpec spec)
      throws InterruptedException {
    Set<Integer> settled = new HashSet<>();
    Map<Integer, Assignment> current = new TreeMap<>();
    int reclaimTries = 0;
    while (true) {
      JobLedger ledger = JobLedger.of(jobId, market.events(jobId));
      for (Assignment a : ledger.assignments()) {
        current.put(a.index(), a);
        if (settled.contains(a.index()) || a.status() == Assignment.Status.ASSIGNED) {
          continue;
        }
        settled.add(a.index());
        checkCommittedRoot(session, a);
      }
      showProgress(session, ledger);
      if (settled.size() == ledger.assignments().size()) {
        progress.println();
        lastProgress = "";
        return current;
      }
      long now = clock.instant().getEpochSecond();
      if (now > spec.commitDeadline()) {
        for (Assignment a : ledger.assignments()) {
          if (!settled.contains(a.index()) && a.status() == Assignment.Status.ASSIGNED) {
            try {
              BigInteger back = market.reclaim(a);
              settled.add(a.index());
              current.put(a.index(), a.with(Assignment.Status.RECLAIMED));
              note(
                  "provider "
                      + a.provider()
                      + " did not commit "
                      + new ShardRange(a.firstShard(), a.shardCount())
                      + " before its deadline"
                      + (session.missing(a).isEmpty()
                          ? ""
                          : " (undelivered: shards " + session.missing(a) + ")")
                      + ": reclaimed, "
                      + Amounts.eth(back)
                      + " ETH credited back");
            } catch (ContractRevertException e) {
              // The block's time may still be at the deadline: try again shortly.
              if (++reclaimTries > WINDOW_RETRIES) {
                throw new JobException(
                    "reclaiming from " + a.provider() + " failed: " + e.getMessage(), e);
              }
            }
          }
        }
      }
      Waits.pause(POLL);
    }
  }

  private void checkCommittedRoot(RequesterSession session, Assignment a) {
    if (a.status() == Assignment.Status.RECLAIMED || a.status() == Assignment.Status.SLASHED) {
      return;
    }
    List<Integer> missing = session.missing(a);
    if (!missing.isEmpty()) {
      note(
          "provider "
              + a.provider()
              + " committed a root but delivered no result for shards "
              + missing
              + " (hyphae job challenge to demand them)");
      return;
    }
    Optional<Bytes32> expected = session.resultRoot(a);
    if (expected.isPresent() && !sameRoot(expected.get(), a)) {
      note(
          "provider "
              + a.provider()
              + " committed root "
              + a.resultRoot()
              + " but its receipts for "
              + new ShardRange(a.firstShard(), a.shardCount())
              + " give "
              + expected.get());
    }
  }

  private static boolean sameRoot(Bytes32 fromReceipts, Assignment committed) {
    return java.util.Arrays.equals(fromReceipts.toArray(), committed.resultRoot().toArray());
  }

  /** One accepted result per shard: from an assignment whose committed root matched. */
  private Map<Integer, AcceptedResult> chooseResults(
      RequesterSession session, Map<Integer, Assignment> current) {
    Map<Integer, AcceptedResult> out = new TreeMap<>();
    for (Assignment a : current.values()) {
      if (a.status() != Assignment.Status.COMMITTED && a.status() != Assignment.Status.FINALIZED) {
        continue;
      }
      Optional<Bytes32> root = session.resultRoot(a);
      if (root.isEmpty() || !sameRoot(root.get(), a)) {
        continue;
      }
      session.results(a.index()).forEach(out::putIfAbsent);
    }
    return out;
  }

  // ---------------------------------------------------------------- spot checks

  private String spotCheck(
      RequesterSession session,
      Map<Integer, AcceptedResult> chosen,
      List<ProviderRef> providers,
      List<String> checks) {
    if (options.spotChecks() == 0) {
      checks.add("spot checks off (--spot-checks 0)");
      return "skipped";
    }
    int passed = 0;
    int failed = 0;
    for (var entry : chosen.entrySet()) {
      int shard = entry.getKey();
      AcceptedResult result = entry.getValue();
      Optional<ProviderRef> verifier =
          providers.stream()
              .filter(p -> !p.account().toLowerCase(Locale.ROOT).equals(result.provider()))
              .skip(providers.size() <= 1 ? 0 : random.nextInt(Math.max(1, providers.size() - 1)))
              .findFirst()
              .or(
                  () ->
                      providers.stream()
                          .filter(
                              p -> !p.account().toLowerCase(Locale.ROOT).equals(result.provider()))
                          .findFirst());
      if (verifier.isEmpty()) {
        checks.add("shard " + shard + ": skipped, no other provider to re-run it");
        continue;
      }
      ShardInput.Texts input = (ShardInput.Texts) session.shards().get(shard);
      List<Integer> sample = SpotCheck.sample(input.rowCount(), options.spotChecks(), random);
      List<String> texts = sample.stream().map(i -> input.rows().get(i)).toList();
      ShardInput.Texts rows = new ShardInput.Texts(input.firstRow() + sample.get(0), texts);
      ShardOutput.Embeddings theirs;
      try {
        theirs =
            peer.rerun(verifier.get(), options.modelHash(), options.profileHash(), rows)
                .get(
                    io.hyphae.protocol.job.JobProtocols.VERIFY.timeout().toMillis() + 1000,
                    TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        checks.add(
            "shard "
                + shard
                + ": skipped, "
                + verifier.get()
                + " could not re-run it: "
                + RequesterPeer.cause(e));
        continue;
      }
      List<String> bad = new ArrayList<>();
      for (int i = 0; i < sample.size(); i++) {
        long row = input.firstRow() + sample.get(i);
        float[] mine = result.output().rows().get(sample.get(i));
        SpotCheck.mismatch(theirs.rows().get(i), mine, options.exactProfile())
            .ifPresent(why -> bad.add("row " + row + " " + why));
      }
      if (bad.isEmpty()) {
        passed++;
        checks.add(
            "shard "
                + shard
                + ": "
                + sample.size()
                + " rows match "
                + verifier.get().name()
                + (options.exactProfile()
                    ? " bit for bit"
                    : " (cosine >= " + SpotCheck.MIN_COSINE + ")"));
      } else {
        failed++;
        checks.add(
            "shard "
                + shard
                + " MISMATCH with "
                + verifier.get().name()
                + ": "
                + String.join("; ", bad));
      }
      progress.printf("\rverified %d/%d shards", passed + failed, chosen.size());
      progress.flush();
    }
    if (passed + failed > 0) {
      progress.println();
    }
    return failed > 0 ? "failed" : passed > 0 ? "passed" : "skipped";
  }

  // ---------------------------------------------------------------- settlement

  private Map<Integer, Assignment> settle(
      Market market, BigInteger jobId, Map<Integer, Assignment> current, boolean finalize)
      throws InterruptedException {
    long lastDeadline =
        current.values().stream()
            .filter(a -> a.status() == Assignment.Status.COMMITTED)
            .mapToLong(Assignment::challengeDeadline)
            .max()
            .orElse(0);
    if (lastDeadline == 0) {
      return current;
    }
    progress.printf(
        "waiting for the challenge window (until %s)%n", Instant.ofEpochSecond(lastDeadline));
    progress.flush();
    Waits.pause(
        Duration.between(clock.instant(), Instant.ofEpochSecond(lastDeadline + 1))
            .plus(PROVIDER_FINALIZE_GRACE));
    if (!finalize) {
      note("assignments left unfinalized: a spot check failed");
      return current;
    }
    int tries = 0;
    while (true) {
      JobLedger ledger = JobLedger.of(jobId, market.events(jobId));
      List<Assignment> open =
          ledger.assignments().stream()
              .filter(a -> a.status() == Assignment.Status.COMMITTED)
              .toList();
      Map<Integer, Assignment> now = new TreeMap<>();
      ledger.assignments().forEach(a -> now.put(a.index(), a));
      if (open.isEmpty()) {
        return now;
      }
      Assignment a = open.get(0);
      try {
        BigInteger paid = market.finalizeAssignment(a);
        progress.printf(
            "finalized %s's assignment: paid %s ETH%n", a.provider(), Amounts.eth(paid));
        progress.flush();
      } catch (ContractRevertException e) {
        // The provider finalized first (WrongStatus) or the block is still in the window.
        if (++tries > WINDOW_RETRIES) {
          throw new JobException(
              "finalizing " + a.provider() + "'s assignment failed: " + e.getMessage(), e);
        }
        Waits.pause(Duration.ofMillis(500));
      }
    }
  }

  private BigInteger withdrawAll(Market market) {
    BigInteger owed = market.withdrawable(market.account());
    return owed.signum() > 0 ? market.withdraw() : BigInteger.ZERO;
  }

  private void cancelQuietly(Market market, JobSpec spec) {
    try {
      market.cancelJob(spec);
      withdrawAll(market);
      record = record.with(JobRecord.State.CANCELLED, now());
      save();
    } catch (ChainException e) {
      note("cancelling the job failed too: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The receipts' leaves, kept in the job file so that {@code job challenge} can prove them. */
  private static List<JobRecord.LeafJson> leaves(
      RequesterSession session, java.util.Collection<Assignment> assignments) {
    List<JobRecord.LeafJson> out = new ArrayList<>();
    for (Assignment a : assignments) {
      session
          .results(a.index())
          .forEach(
              (shard, r) ->
                  out.add(
                      new JobRecord.LeafJson(
                          a.index(),
                          shard,
                          r.inputLeaf().toString(),
                          r.outputHash().toString(),
                          "0x" + java.util.HexFormat.of().formatHex(r.receiptSignature()))));
    }
    return out;
  }

  /** The assignments {@code assign} will record for these bids, in bid order. */
  static List<Assignment> predicted(BigInteger jobId, JobSpec spec, List<SignedBid> bids) {
    List<Assignment> out = new ArrayList<>();
    for (int i = 0; i < bids.size(); i++) {
      Bid b = bids.get(i).bid();
      out.add(
          new Assignment(
              jobId,
              i,
              b.replica(),
              Assignment.Status.ASSIGNED,
              "0x0000000000000000000000000000000000000000",
              b.provider(),
              b.firstShard(),
              b.shardCount(),
              b.pricePerShard(),
              b.collateral(),
              spec.commitDeadline(),
              spec.challengeWindow(),
              io.hyphae.contracts.market.Bytes32.ZERO,
              0));
    }
    return out;
  }

  private SubmitSummary summary(
      BigInteger jobId,
      JobLedger ledger,
      String verification,
      List<String> checks,
      BigInteger before,
      BigInteger after,
      boolean complete) {
    List<SubmitSummary.Served> served = new ArrayList<>();
    for (Assignment a : ledger.assignments()) {
      served.add(
          new SubmitSummary.Served(
              a.index(),
              a.replica(),
              a.provider(),
              new ShardRange(a.firstShard(), a.shardCount()).toString(),
              a.status().contractName(),
              a.payment().toString()));
    }
    return new SubmitSummary(
        jobId.toString(),
        record.state(),
        served,
        new LinkedHashMap<>(phases),
        ledger.paid().toString(),
        account.gasUsed().getAsLong(),
        verification,
        checks,
        before.toString(),
        after.toString(),
        complete && options.out() != null ? options.out().toString() : null,
        problems,
        started.toEpochMilli(),
        timelineCopy());
  }

  private Map<String, Long> timelineCopy() {
    synchronized (timeline) {
      return new LinkedHashMap<>(timeline);
    }
  }

  private void showProgress(RequesterSession session, JobLedger ledger) {
    int assigned = ledger.assignments().stream().mapToInt(Assignment::shardCount).sum();
    long committed =
        ledger.assignments().stream().filter(a -> a.status() != Assignment.Status.ASSIGNED).count();
    String line =
        String.format(
            Locale.ROOT,
            "shards assigned %d, delivered %d, committed %d/%d assignments",
            assigned,
            session.delivered(),
            committed,
            ledger.assignments().size());
    if (!line.equals(lastProgress)) {
      progress.print("\r" + line);
      progress.flush();
      lastProgress = line;
    }
  }

  private void note(String problem) {
    if (!lastProgress.isEmpty()) {
      progress.println();
      lastProgress = "";
    }
    problems.add(problem);
    progress.println("warning: " + problem);
    progress.flush();
    if (record != null) {
      record = record.withProblem(problem, now());
      save();
    }
  }

  private void phase(String name) {
    Instant now = clock.instant();
    phases.put(name, Duration.between(phaseStart, now).toMillis());
    synchronized (timeline) {
      timeline.put(name, Duration.between(started, now).toMillis());
    }
    phaseStart = now;
  }

  /** Called by the session on the network threads: times the first and the latest result. */
  private void sessionChanged() {
    RequesterSession s = session;
    if (s == null) {
      return;
    }
    synchronized (timeline) {
      int delivered = s.delivered();
      if (delivered > resultsSeen) {
        resultsSeen = delivered;
        long at = Duration.between(started, clock.instant()).toMillis();
        timeline.putIfAbsent("firstResult", at);
        timeline.put("lastResult", at);
      }
    }
  }

  private void save() {
    store.save(record);
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private static io.hyphae.contracts.market.Bytes32 market(Bytes32 b) {
    return io.hyphae.contracts.market.Bytes32.of(b.toArray());
  }
}
