package io.hyphae.wallet.job;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.SignedBid;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.ShardCodec;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

  /** How long after a challenge's reveal deadline the wallet waits for its verdict. */
  private static final Duration VERDICT_MARGIN = Duration.ofSeconds(30);

  /** Bids must stay valid this long after the bid window, for the assign transaction. */
  private static final long BID_EXPIRY_MARGIN_S = 30;

  private static final Duration CHAIN_TIME_TIMEOUT = Duration.ofSeconds(60);

  private final SubmitOptions options;
  private final RequesterAccount account;
  private final ChallengeChain challengeChain;
  private final RequesterPeer peer;
  private final JobStore store;
  private final PrintWriter progress;
  private final Clock clock;
  private final Optional<LocalRerun> local;
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
      ChallengeChain challengeChain,
      RequesterPeer peer,
      JobStore store,
      PrintWriter progress,
      Clock clock,
      Optional<LocalRerun> local) {
    this.options = options;
    this.local = local;
    this.account = account;
    this.challengeChain = challengeChain;
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

    // ---- prepare: nothing is sent before the input and the funds are known to be good. The
    // handshakes with the providers and the chain's clock are fetched meanwhile.
    RequesterPeer.Dialing dialing = peer.startDialing(options.providers());
    CompletableFuture<Long> chainTime = CompletableFuture.supplyAsync(market::now);
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
    Bytes32 inputRoot = io.hyphae.protocol.commitment.ShardLeaves.inputTree(shards).root();
    List<ProviderRef> providers = dialing.reachable(unreachable);
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
    long chainNow = Math.max(chainTime(chainTime), clock.instant().getEpochSecond());
    JobSpec spec =
        new JobSpec(
            market(options.modelHash()),
            market(options.profileHash()),
            market(inputRoot),
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
            List.of(),
            List.of(),
            List.of(),
            List.of());
    record = record.withProviders(options.providers(), now());
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
    keepOutputs(session, current.values());
    Map<Integer, Assignment> demanded = demandWithheld(market, session, current);
    phase("execute");

    // ---- verify
    Map<Integer, AcceptedResult> chosen = chooseResults(session, current);
    List<String> checks = new ArrayList<>();
    Map<Integer, String> mismatches = new TreeMap<>();
    String verification = spotCheck(session, chosen, providers, checks, mismatches);
    record = record.withVerification(verification, now());
    save();
    phase("verify");

    // ---- challenge: one challenge per assignment with a failed shard (its first one)
    Map<Integer, Integer> suspect = new TreeMap<>();
    mismatches.forEach(
        (shard, why) -> suspect.putIfAbsent(chosen.get(shard).assignmentIndex(), shard));
    Map<Integer, ChallengeState> opened = new TreeMap<>();
    Challenger challenger = null;
    if (!suspect.isEmpty()) {
      challenger =
          new Challenger(
              market,
              challengeChain,
              peer,
              options.knownProviders(),
              account.balance(),
              account.gasPrice(),
              progress,
              clock);
      for (var e : suspect.entrySet()) {
        Assignment a = current.get(e.getKey());
        int shard = e.getValue();
        challenge(challenger, session, a, shard, mismatches.get(shard), chosen.get(shard))
            .ifPresent(c -> opened.put(a.index(), c));
      }
      record = record.with(JobRecord.State.CHALLENGED, now());
      save();
      phase("challenge");
    }

    // ---- write: results of an assignment that failed a spot check are not written
    Map<Integer, AcceptedResult> good = new TreeMap<>();
    chosen.forEach(
        (shard, r) -> {
          if (!suspect.containsKey(r.assignmentIndex())) {
            good.put(shard, r);
          }
        });
    boolean written = false;
    if (chosen.size() == shards.size() && options.out() != null && !good.isEmpty()) {
      int count = OutputRows.writeAvailable(options.out(), shards, good);
      written = true;
      progress.printf(
          "wrote %d rows to %s%s%n",
          count,
          options.out(),
          count == rows.size() ? "" : " (rows of challenged shards left out)");
    }
    if (chosen.size() == shards.size() && suspect.isEmpty()) {
      record = record.with(JobRecord.State.VERIFIED, now());
      save();
    }

    // ---- settle
    BigInteger paidBack = BigInteger.ZERO;
    if (options.waitForSettlement()) {
      Set<Integer> hold = new HashSet<>(suspect.keySet());
      hold.addAll(demanded.keySet());
      current = settle(market, jobId, current, hold);
      for (var e : opened.entrySet()) {
        awaitVerdict(challenger, e.getValue(), current.get(e.getKey()));
      }
      if (!opened.isEmpty()) {
        // A rejected or void challenge leaves its assignment committed: finalize it now.
        Set<Integer> stillHeld = notOpened(suspect.keySet(), opened.keySet());
        stillHeld.addAll(demanded.keySet());
        current = settle(market, jobId, current, stillHeld);
      }
      for (Assignment a : demanded.values()) {
        claimWithheld(market, jobId, a);
      }
      paidBack = paidBack.add(withdrawAll(market));
      phase("settle");
    }
    JobLedger ledger = ledger(market, jobId);
    if (ledger.isFinal()) {
      record = record.with(JobRecord.State.FINALIZED, now());
    }
    record = record.withAssignments(ledger.assignments(), now());
    save();
    BigInteger after = account.balance().get();
    SubmitSummary summary = summary(jobId, ledger, verification, checks, before, after, written);
    if (chosen.size() != shards.size()) {
      // Reclaimed payments and collateral are the requester's: pay them out now.
      paidBack = paidBack.add(withdrawAll(market));
      record = record.with(JobRecord.State.FAILED, now());
      save();
      throw new JobException(
          "job "
              + jobId
              + " is incomplete: "
              + String.join("; ", problems)
              + " (no output written; "
              + Amounts.eth(paidBack)
              + " ETH paid back to "
              + market.account()
              + ": unused escrow, and the payment and collateral of reclaimed shards)");
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
              + missing);
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
      List<String> checks,
      Map<Integer, String> mismatches) {
    if (options.spotChecks() == 0) {
      checks.add("spot checks off (--spot-checks 0)");
      return "skipped";
    }
    SpotCheck.Verifier mode = options.verifier();
    int[] outcome = new int[2]; // passed, failed
    // Shards re-run here, in one local run at the end: sample and why (for AUTO, the fallback).
    Map<Integer, List<Integer>> localSamples = new TreeMap<>();
    Map<Integer, String> localWhy = new TreeMap<>();
    for (var entry : chosen.entrySet()) {
      int shard = entry.getKey();
      AcceptedResult result = entry.getValue();
      ShardInput.Texts input = (ShardInput.Texts) session.shards().get(shard);
      List<Integer> sample = SpotCheck.sample(input.rowCount(), options.spotChecks(), random);
      if (mode == SpotCheck.Verifier.LOCAL) {
        localSamples.put(shard, sample);
        continue;
      }
      Optional<ProviderRef> verifier = otherProvider(providers, result.provider());
      String unchecked;
      if (verifier.isEmpty()) {
        unchecked = "no other provider to re-run it";
      } else {
        List<String> texts = sample.stream().map(i -> input.rows().get(i)).toList();
        ShardInput.Texts rows = new ShardInput.Texts(input.firstRow() + sample.get(0), texts);
        try {
          ShardOutput.Embeddings theirs =
              peer.rerun(verifier.get(), options.modelHash(), options.profileHash(), rows)
                  .get(
                      io.hyphae.protocol.job.JobProtocols.VERIFY.timeout().toMillis() + 1000,
                      TimeUnit.MILLISECONDS);
          tally(
              compare(shard, input, sample, result, theirs.rows(), verifier.get().name()),
              checks,
              mismatches,
              outcome,
              chosen.size());
          continue;
        } catch (Exception e) {
          unchecked = verifier.get() + " could not re-run it: " + RequesterPeer.cause(e);
        }
      }
      if (mode == SpotCheck.Verifier.AUTO && local.isPresent()) {
        localSamples.put(shard, sample);
        localWhy.put(shard, unchecked);
      } else {
        checks.add("shard " + shard + ": skipped, " + unchecked);
      }
    }
    if (!localSamples.isEmpty()) {
      rerunLocally(session, chosen, localSamples, localWhy, checks, mismatches, outcome);
    }
    if (outcome[0] + outcome[1] > 0) {
      progress.println();
    }
    return outcome[1] > 0 ? "failed" : outcome[0] > 0 ? "passed" : "skipped";
  }

  /** A provider other than {@code provider}, picked at random among them. */
  private Optional<ProviderRef> otherProvider(List<ProviderRef> providers, String provider) {
    List<ProviderRef> others =
        providers.stream()
            .filter(p -> !p.account().toLowerCase(Locale.ROOT).equals(provider))
            .toList();
    return others.isEmpty()
        ? Optional.empty()
        : Optional.of(others.get(random.nextInt(others.size())));
  }

  /**
   * Re-runs the sampled rows of every shard in {@code samples} on this machine, in one run of the
   * node program, and compares them.
   */
  private void rerunLocally(
      RequesterSession session,
      Map<Integer, AcceptedResult> chosen,
      Map<Integer, List<Integer>> samples,
      Map<Integer, String> why,
      List<String> checks,
      Map<Integer, String> mismatches,
      int[] outcome) {
    List<String> texts = new ArrayList<>();
    for (var e : samples.entrySet()) {
      ShardInput.Texts input = (ShardInput.Texts) session.shards().get(e.getKey());
      e.getValue().forEach(i -> texts.add(input.rows().get(i)));
    }
    List<float[]> here;
    try {
      if (local.isEmpty()) {
        throw new java.io.IOException(
            "the node program is not next to this wallet (run it through ./hyphae)");
      }
      progress.printf("re-running %d rows of %d shards locally%n", texts.size(), samples.size());
      progress.flush();
      here = local.get().embed(options.modelHash(), options.profileHash(), texts);
    } catch (java.io.IOException e) {
      samples
          .keySet()
          .forEach(
              shard ->
                  checks.add(
                      "shard "
                          + shard
                          + ": skipped, "
                          + (why.containsKey(shard) ? why.get(shard) + ", and " : "")
                          + "the local re-run failed: "
                          + e.getMessage()));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      samples.keySet().forEach(shard -> checks.add("shard " + shard + ": skipped, interrupted"));
      return;
    }
    int next = 0;
    for (var e : samples.entrySet()) {
      int shard = e.getKey();
      List<Integer> sample = e.getValue();
      ShardInput.Texts input = (ShardInput.Texts) session.shards().get(shard);
      tally(
          compare(
              shard,
              input,
              sample,
              chosen.get(shard),
              here.subList(next, next + sample.size()),
              "the local re-run" + (why.containsKey(shard) ? " (" + why.get(shard) + ")" : "")),
          checks,
          mismatches,
          outcome,
          chosen.size());
      next += sample.size();
    }
  }

  /** One shard's spot check: the mismatch (null when the rows match) and the line to report. */
  private record Checked(int shard, String mismatch, String line) {}

  /** Compares a re-run of the sampled rows with the provider's. */
  private Checked compare(
      int shard,
      ShardInput.Texts input,
      List<Integer> sample,
      AcceptedResult result,
      List<float[]> theirs,
      String who) {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      long row = input.firstRow() + sample.get(i);
      float[] mine = result.output().rows().get(sample.get(i));
      SpotCheck.mismatch(theirs.get(i), mine, options.exactProfile())
          .ifPresent(why -> bad.add("row " + row + " " + why));
    }
    if (bad.isEmpty()) {
      return new Checked(
          shard,
          null,
          "shard "
              + shard
              + ": "
              + sample.size()
              + " rows match "
              + who
              + (options.exactProfile()
                  ? " bit for bit"
                  : " (cosine >= " + SpotCheck.MIN_COSINE + ")"));
    }
    String mismatch = "MISMATCH with " + who + ": " + String.join("; ", bad);
    return new Checked(shard, mismatch, "shard " + shard + " " + mismatch);
  }

  private void tally(
      Checked c, List<String> checks, Map<Integer, String> mismatches, int[] outcome, int total) {
    checks.add(c.line());
    if (c.mismatch() == null) {
      outcome[0]++;
    } else {
      outcome[1]++;
      mismatches.put(c.shard(), c.mismatch());
    }
    progress.printf("\rverified %d/%d shards", outcome[0] + outcome[1], total);
    progress.flush();
  }

  // ---------------------------------------------------------------- settlement

  /**
   * Waits for the challenge window and finalizes every committed assignment not in {@code hold}.
   */
  private Map<Integer, Assignment> settle(
      Market market, BigInteger jobId, Map<Integer, Assignment> current, Set<Integer> hold)
      throws InterruptedException {
    long lastDeadline =
        current.values().stream()
            .filter(a -> a.status() == Assignment.Status.COMMITTED && !hold.contains(a.index()))
            .mapToLong(Assignment::challengeDeadline)
            .max()
            .orElse(0);
    if (lastDeadline == 0) {
      return current;
    }
    if (lastDeadline >= clock.instant().getEpochSecond()) {
      progress.printf(
          "waiting for the challenge window (until %s)%n", Instant.ofEpochSecond(lastDeadline));
      progress.flush();
      Waits.pause(
          Duration.between(clock.instant(), Instant.ofEpochSecond(lastDeadline + 1))
              .plus(PROVIDER_FINALIZE_GRACE));
    }
    int tries = 0;
    while (true) {
      JobLedger ledger = ledger(market, jobId);
      List<Assignment> open =
          ledger.assignments().stream()
              .filter(a -> a.status() == Assignment.Status.COMMITTED && !hold.contains(a.index()))
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

  // ---------------------------------------------------------------- challenges

  /**
   * Challenges one shard that failed its spot check and gives the committee the evidence; records
   * the challenge (or why none was opened) in the job file. Empty when it could not be opened.
   */
  private Optional<ChallengeState> challenge(
      Challenger challenger,
      RequesterSession session,
      Assignment a,
      int shard,
      String reason,
      AcceptedResult result)
      throws InterruptedException {
    ChallengeState c;
    BigInteger bond;
    try {
      bond = challengeChain.bond();
      c = challenger.open(a, shard, record.leaves());
    } catch (Challenger.NotOpened e) {
      note("shard " + shard + " failed its spot check but was not challenged: " + e.getMessage());
      record = record.withChallenge(Challenger.notOpened(a, shard, reason, e.getMessage()), now());
      save();
      return Optional.empty();
    } catch (ChainException e) {
      String why = "challenging shard " + shard + " failed: " + e.getMessage();
      note(why);
      record = record.withChallenge(Challenger.notOpened(a, shard, reason, why), now());
      save();
      return Optional.empty();
    }
    record = record.withChallenge(Challenger.record(c, a, bond, reason, List.of()), now());
    save();
    byte[] input = ShardCodec.encodeInput(session.shards().get(shard));
    byte[] output = ShardCodec.encodeOutput(result.output());
    List<JobRecord.EvidenceJson> evidence = challenger.deliver(c, input, output);
    record = record.withChallenge(Challenger.record(c, a, bond, reason, evidence), now());
    save();
    if (evidence.stream().noneMatch(e -> e.status().equals("ACCEPTED"))) {
      note(
          "no committee member of challenge "
              + c.challengeId()
              + " took the evidence: it will likely end void (the bond comes back)");
    }
    return Optional.of(c);
  }

  // ---------------------------------------------------------------- withheld results

  /**
   * Demands, on chain, the result leaf of the first undelivered shard of every assignment whose
   * provider committed a root but withheld results (the requester's demand needs no bond). Returns
   * the demanded assignments as recorded now (status LeafDemanded), by index.
   */
  private Map<Integer, Assignment> demandWithheld(
      Market market, RequesterSession session, Map<Integer, Assignment> current) {
    Map<Integer, Assignment> out = new TreeMap<>();
    for (Assignment a : current.values()) {
      if (a.status() != Assignment.Status.COMMITTED || session.missing(a).isEmpty()) {
        continue;
      }
      int shard = session.missing(a).get(0);
      try {
        Assignment d = market.demandLeaf(a, shard);
        long deadline =
            Math.max(market.now(), clock.instant().getEpochSecond()) + market.responsePeriod();
        out.put(a.index(), d);
        record =
            record.withDemand(
                new JobRecord.DemandJson(
                    a.index(), shard, a.provider(), "DEMANDED", deadline, null, null),
                now());
        save();
        progress.printf(
            "demanded the leaf of shard %d from %s: it must answer on chain by about %s%n",
            shard, a.provider(), Instant.ofEpochSecond(deadline));
        progress.flush();
      } catch (ChainException e) {
        String why = "demanding the leaf of shard " + shard + " failed: " + e.getMessage();
        note(why);
        record =
            record.withDemand(
                new JobRecord.DemandJson(
                    a.index(), shard, a.provider(), "NOT_DEMANDED", 0, null, why),
                now());
        save();
      }
    }
    return out;
  }

  /**
   * After the demand's response deadline: slashes a provider that did not answer (payment and
   * collateral credited to the requester), or notes that it answered without delivering.
   */
  private void claimWithheld(Market market, BigInteger jobId, Assignment demanded)
      throws InterruptedException {
    JobRecord.DemandJson d =
        record.demands().stream()
            .filter(x -> x.assignment() == demanded.index())
            .findFirst()
            .orElseThrow();
    Waits.pause(Duration.between(clock.instant(), Instant.ofEpochSecond(d.responseDeadline() + 1)));
    int tries = 0;
    while (true) {
      Assignment now = ledger(market, jobId).assignment(demanded.index()).orElseThrow();
      if (now.status() != Assignment.Status.LEAF_DEMANDED) {
        String state = now.status() == Assignment.Status.SLASHED ? "WITHHELD" : "ANSWERED";
        record = record.withDemand(withState(d, state, null), now());
        save();
        if (state.equals("ANSWERED")) {
          note(
              "provider "
                  + demanded.provider()
                  + " answered the leaf demand on chain but delivered no result: assignment #"
                  + demanded.index()
                  + " is left to it to finalize");
        }
        return;
      }
      try {
        BigInteger credited = market.claimWithheld(now);
        record = record.withDemand(withState(d, "WITHHELD", credited), now());
        save();
        note(
            "provider "
                + demanded.provider()
                + " withheld shard "
                + d.shard()
                + " and did not answer the leaf demand: slashed, "
                + Amounts.eth(credited)
                + " ETH (payment and collateral) credited back");
        return;
      } catch (ContractRevertException e) {
        // The block's time may still be at the response deadline: try again shortly.
        if (++tries > WINDOW_RETRIES) {
          throw new JobException(
              "claiming the withheld leaf from "
                  + demanded.provider()
                  + " failed: "
                  + e.getMessage(),
              e);
        }
        Waits.pause(Duration.ofMillis(500));
      }
    }
  }

  private static JobRecord.DemandJson withState(
      JobRecord.DemandJson d, String state, BigInteger credited) {
    return new JobRecord.DemandJson(
        d.assignment(),
        d.shard(),
        d.provider(),
        state,
        d.responseDeadline(),
        credited == null ? d.credited() : credited.toString(),
        d.note());
  }

  /** Waits for a challenge's verdict (resolving it when due) and records the outcome. */
  private void awaitVerdict(Challenger challenger, ChallengeState opened, Assignment a)
      throws InterruptedException {
    ChallengeState c = challenger.await(opened, a, VERDICT_MARGIN);
    JobRecord.ChallengeJson before =
        record.challenges().stream()
            .filter(x -> x.assignment() == a.index())
            .findFirst()
            .orElseThrow();
    JobRecord.ChallengeJson now =
        Challenger.record(c, a, new BigInteger(before.bond()), before.reason(), before.evidence());
    record = record.withChallenge(now, now());
    save();
    if (!c.resolved()) {
      note("challenge " + c.challengeId() + " has no verdict yet: " + now.note());
      return;
    }
    progress.printf(
        "challenge %s: %s (%d upheld, %d rejected of %d members)%s%n",
        c.challengeId(),
        now.verdict(),
        c.resolution().get().upheld(),
        c.resolution().get().rejected(),
        c.members().size(),
        now.upheld()
            ? ": "
                + Amounts.eth(new BigInteger(now.slashed()))
                + " ETH slashed from "
                + a.provider()
                + ", "
                + Amounts.eth(new BigInteger(now.refund()))
                + " ETH refunded, bond returned"
            : "");
    progress.flush();
  }

  private static Set<Integer> notOpened(Set<Integer> suspect, Set<Integer> opened) {
    Set<Integer> out = new HashSet<>(suspect);
    out.removeAll(opened);
    return out;
  }

  /** The job's ledger with its challenges folded in. */
  private JobLedger ledger(Market market, BigInteger jobId) {
    return JobLedger.of(jobId, market.events(jobId)).withChallenges(challengeChain.ofJob(jobId));
  }

  /** Keeps each accepted output's canonical bytes: the evidence a later challenge sends. */
  private void keepOutputs(RequesterSession session, java.util.Collection<Assignment> list) {
    for (Assignment a : list) {
      session
          .results(a.index())
          .forEach(
              (shard, r) ->
                  store.saveOutput(
                      record.id(), a.index(), shard, ShardCodec.encodeOutput(r.output())));
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
      boolean written) {
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
        written ? options.out().toString() : null,
        problems,
        record.challenges(),
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

  /** The chain's clock read during prepare; a failed read throws as a direct read would. */
  private static long chainTime(CompletableFuture<Long> read) throws InterruptedException {
    try {
      return read.get(CHAIN_TIME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new ChainException("reading the chain's time failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ChainException(
          "reading the chain's time took longer than " + CHAIN_TIME_TIMEOUT.toSeconds() + " s", e);
    }
  }

  private static io.hyphae.contracts.market.Bytes32 market(Bytes32 b) {
    return io.hyphae.contracts.market.Bytes32.of(b.toArray());
  }
}
