package io.hyphae.node.job;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.node.config.Fault;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.InferenceException;
import io.hyphae.node.inference.InferenceOptions;
import io.hyphae.node.inference.RunningShard;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.ShardResult;
import io.hyphae.node.journal.JobJournal;
import io.hyphae.node.journal.JobKey;
import io.hyphae.node.journal.JobRecord;
import io.hyphae.node.journal.JobState;
import io.hyphae.node.journal.ShardProgress;
import io.hyphae.node.journal.ShardState;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.job.ResultMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job, driven from its journal state to the end, on its own virtual thread (blocking waits are
 * cheap there; none runs on an event loop):
 *
 * <ol>
 *   <li>ASSIGNED/EXECUTING: for each shard not DONE, fetch its input from the requester, check the
 *       Merkle proof against {@code spec.inputRoot}, run it with the job's profile (engine busy:
 *       try again later) and journal it DONE with its output and input leaf;
 *   <li>deliver each DONE shard's output with its signed receipt (first right after it is run, then
 *       again) until the requester acknowledges it (journalled per shard), then DELIVERED; if the
 *       requester cannot be reached until {@code commitMargin} before the commit deadline, the node
 *       commits anyway (it did the work);
 *   <li>DELIVERED: commit the root over the result leaves, then COMMITTED;
 *   <li>COMMITTED: once the wall clock is past the challenge deadline, finalize, then FINALIZED;
 *       while CHALLENGED, wait for the committee (back to COMMITTED, or SLASHED: the job is lost).
 * </ol>
 *
 * Outputs are stored, not recomputed on resume: a batched (tolerant) profile would not give the
 * same bytes twice. Past the commit deadline the run stops (the requester reclaims). A restart
 * resumes at the journalled state; a transaction that was mined before the node could journal it is
 * recognised from the chain's events.
 */
final class JobRun {

  private static final Duration P2P_TIMEOUT = Duration.ofSeconds(70);
  private static final int MAX_FINALIZE_TRIES = 60;
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

  /** A step failed in a way another try may fix. */
  private static final class Retry extends Exception {
    private static final long serialVersionUID = 1L;

    Retry(String message) {
      super(message, null, false, false);
    }
  }

  /** The run cannot go on. */
  private static final class GiveUp extends Exception {
    private static final long serialVersionUID = 1L;

    GiveUp(String message) {
      super(message, null, false, false);
    }
  }

  private final JobEngine e;
  private final JobKey key;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicInteger shardsLeft = new AtomicInteger();
  private volatile boolean stopped;

  private JobData.Posted posted;
  private Assignment assignment;
  private List<Multiaddr> addresses;
  private PeerId requester;
  private ExecutionProfile profile;

  JobRun(JobEngine engine, JobKey key) {
    this.e = engine;
    this.key = key;
  }

  int shardsLeft() {
    return shardsLeft.get();
  }

  void stop() {
    stopped = true;
  }

  void awaitEnd(Duration d) {
    try {
      ended.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  void run() {
    try {
      drive();
    } catch (GiveUp g) {
      if (halted()) {
        LOG.info("job {}: paused: {}", key.jobId(), g.getMessage());
      } else {
        LOG.warn("job {}: stopped working on it: {}", key.jobId(), g.getMessage());
      }
    } catch (Exception ex) {
      if (!halted()) {
        LOG.warn(
            "job {}: run failed; it resumes at the next start: {}", key.jobId(), ex.toString());
      }
    } finally {
      shardsLeft.set(0);
      ended.countDown();
    }
  }

  private boolean halted() {
    return stopped || e.isStopping();
  }

  private void drive() throws Exception {
    JobRecord job =
        JobJournal.await(e.journal.find(key)).orElseThrow(() -> new GiveUp("not in the journal"));
    Map<String, byte[]> data = JobJournal.await(e.journal.data(key));
    if (!data.containsKey(JobData.SPEC) || !data.containsKey(JobData.ASSIGNMENT)) {
      throw new GiveUp("the journal lacks the job's spec or assignment");
    }
    posted = JobData.decodePosted(data.get(JobData.SPEC));
    assignment = JobData.decodeAssignment(data.get(JobData.ASSIGNMENT));
    addresses =
        data.containsKey(JobData.REQUESTER_ADDRESSES)
            ? JobData.decodeAddresses(data.get(JobData.REQUESTER_ADDRESSES))
            : List.of();
    JobSpec spec = posted.spec();
    requester = PeerId.fromBytes(spec.requesterPeerId());
    profile =
        e.capabilities
            .profile(Capabilities.of(spec.profileHash()))
            .orElseThrow(() -> new GiveUp("this node cannot run profile " + spec.profileHash()));
    shardsLeft.set((int) job.shards().stream().filter(s -> s.state() != ShardState.DONE).count());

    if (job.state() == JobState.ASSIGNED || job.state() == JobState.EXECUTING) {
      job = execute(job);
      deliver(job);
      if (halted()) {
        return;
      }
      job = JobJournal.await(e.journal.update(key, List.of(), Optional.of(JobState.DELIVERED)));
      e.recordState(key, JobState.DELIVERED);
      LOG.info("job {}: DELIVERED", key.jobId());
    }
    if (job.state() == JobState.DELIVERED) {
      commit(job);
      if (halted()) {
        return;
      }
    }
    job = JobJournal.await(e.journal.find(key)).orElseThrow();
    if (job.state() == JobState.COMMITTED || job.state() == JobState.CHALLENGED) {
      finalizeAfterWindow();
    }
  }

  private long wallSeconds() {
    return e.clock.instant().getEpochSecond();
  }

  private void checkCommitDeadline() throws GiveUp {
    if (wallSeconds() > assignment.commitDeadline()) {
      throw new GiveUp(
          "missed the commit deadline " + assignment.commitDeadline() + "; the requester reclaims");
    }
  }

  private Duration backoff(int attempt) {
    Duration d = e.timing.retryDelay().multipliedBy(1L << Math.min(attempt, 8));
    return d.compareTo(e.timing.maxRetryDelay()) > 0 ? e.timing.maxRetryDelay() : d;
  }

  /** Waits before another try; throws when the run should stop instead. */
  private void pauseOrStop(int attempt) throws GiveUp {
    if (e.pause(backoff(attempt)) || stopped) {
      throw new GiveUp("the node is stopping; the job resumes at the next start");
    }
  }

  // ---------------------------------------------------------------- execute

  private JobRecord execute(JobRecord job) throws Exception {
    List<ShardProgress> abandoned = new ArrayList<>();
    for (ShardProgress s : job.shards()) {
      if (s.state() == ShardState.RUNNING) {
        abandoned.add(ShardProgress.pending(s.shard()));
      }
    }
    if (!abandoned.isEmpty()) {
      job = JobJournal.await(e.journal.update(key, abandoned, Optional.empty()));
    }
    for (ShardProgress s : job.shards()) {
      if (s.state() == ShardState.DONE) {
        continue;
      }
      int attempt = 0;
      while (true) {
        if (halted()) {
          throw new GiveUp("the node is stopping; the job resumes at the next start");
        }
        checkCommitDeadline();
        try {
          job = runShard(s.shard());
          shardsLeft.decrementAndGet();
          break;
        } catch (Retry r) {
          LOG.debug(
              "job {} shard {}: {} (try {})", key.jobId(), s.shard(), r.getMessage(), attempt);
          if (attempt == 0 || attempt % 10 == 9) {
            LOG.info("job {} shard {}: will retry: {}", key.jobId(), s.shard(), r.getMessage());
          }
          pauseOrStop(attempt++);
        }
      }
    }
    return job;
  }

  private record Input(byte[] bytes, ShardInput input, Bytes32 leaf) {}

  private JobRecord runShard(int shard) throws Exception {
    Input input = fetch(shard);
    e.recordState(key, JobState.EXECUTING);
    JobJournal.await(
        e.journal.update(
            key, List.of(ShardProgress.running(shard)), Optional.of(JobState.EXECUTING)));
    ShardResult result = infer(shard, input.input());
    byte[] output = ShardCodec.encodeOutput(result.output());
    Bytes32 outputHash = Keccak256.hash(output);
    if (!outputHash.equals(result.outputHash())) {
      throw new GiveUp("the engine's output hash does not match its output bytes (a bug)");
    }
    if (e.fault == Fault.WRONG_OUTPUT) {
      // Test-only fault: everything below (hash, receipt, root) is over the wrong output.
      output = ShardCodec.encodeOutput(WrongOutputs.perturb(result.output()));
      outputHash = Keccak256.hash(output);
    }
    JobRecord job =
        JobJournal.await(
            e.journal.update(
                key,
                List.of(ShardProgress.done(shard, outputHash.toHex())),
                Optional.empty(),
                Map.of(
                    JobData.output(shard),
                    output,
                    JobData.inputLeaf(shard),
                    input.leaf().toArray())));
    e.shardsExecuted.incrementAndGet();
    LOG.info(
        "job {} shard {}: {} rows in {} ms, output {}",
        key.jobId(),
        shard,
        input.input().rowCount(),
        result.elapsed().toMillis(),
        outputHash);
    deliverNow(
        job,
        shard,
        Map.of(JobData.output(shard), output, JobData.inputLeaf(shard), input.leaf().toArray()));
    return job;
  }

  /**
   * One try at delivering a shard as soon as it is done, so that the requester's first result does
   * not wait for the assignment's last shard; what fails here is delivered by {@link #deliver}.
   */
  private void deliverNow(JobRecord job, int shard, Map<String, byte[]> data) throws Exception {
    try {
      if (deliverOne(job, shard, data)) {
        JobJournal.await(
            e.journal.update(
                key,
                List.of(),
                Optional.empty(),
                Map.of(JobData.acknowledged(shard), new byte[] {1})));
      }
    } catch (Retry r) {
      LOG.debug("job {} shard {}: delivery after the run: {}", key.jobId(), shard, r.getMessage());
    }
  }

  private Input fetch(int shard) throws Retry {
    JobProto.InputRequest request =
        JobProto.InputRequest.newBuilder()
            .setJobId(WireValues.uint256(key.jobId()))
            .setShard(shard)
            .build();
    JobProto.InputResponse response;
    try {
      response =
          e.link
              .fetchInput(requester, addresses, request)
              .get(P2P_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new Retry("interrupted");
    } catch (ExecutionException | TimeoutException | RuntimeException ex) {
      throw new Retry("cannot fetch the input from the requester: " + cause(ex));
    }
    if (response.hasRefusal()) {
      throw new Retry(
          "the requester refused the input: "
              + response.getRefusal().getCode()
              + " "
              + response.getRefusal().getMessage());
    }
    byte[] bytes = response.getShard().getInput().toByteArray();
    List<Bytes32> proof = new ArrayList<>();
    try {
      for (var p : response.getShard().getProofList()) {
        proof.add(WireValues.bytes32(p, "proof"));
      }
    } catch (WireValues.WireFormatException ex) {
      throw new Retry("the requester sent a malformed proof: " + ex.getMessage());
    }
    Bytes32 leaf = ShardLeaves.inputLeaf(shard, Keccak256.hash(bytes));
    if (!MerkleTree.verify(proof, Capabilities.of(posted.spec().inputRoot()), leaf)) {
      throw new Retry(
          "the requester's input for shard " + shard + " does not prove under inputRoot");
    }
    try {
      return new Input(bytes, ShardCodec.decodeInput(bytes), leaf);
    } catch (CommitmentFormatException ex) {
      throw new Retry("the proven input is not a canonical shard input: " + ex.getMessage());
    }
  }

  private ShardResult infer(int shard, ShardInput input) throws Retry, GiveUp {
    RunningShard running =
        e.inference.submit(
            new ShardRequest(
                Capabilities.of(posted.spec().modelHash()),
                profile,
                shard,
                input,
                InferenceOptions.DEFAULT));
    try {
      return running
          .result()
          .get(InferenceOptions.DEFAULT.timeout().plusMinutes(1).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      running.cancel();
      Thread.currentThread().interrupt();
      throw new Retry("interrupted");
    } catch (TimeoutException ex) {
      running.cancel();
      throw new Retry("inference took too long");
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof InferenceException ie) {
        switch (ie.reason()) {
          case BUSY, TIMED_OUT, CANCELLED -> throw new Retry("inference: " + ie.getMessage());
          default -> throw new GiveUp("shard " + shard + " cannot be run: " + ie.getMessage());
        }
      }
      throw new GiveUp("shard " + shard + " failed: " + cause(ex));
    }
  }

  // ---------------------------------------------------------------- deliver

  private void deliver(JobRecord job) throws Exception {
    long giveUpAt = assignment.commitDeadline() - e.timing.commitMargin().toSeconds();
    Map<String, byte[]> data = JobJournal.await(e.journal.data(key));
    List<Integer> pending = new ArrayList<>();
    for (ShardProgress s : job.shards()) {
      if (!data.containsKey(JobData.acknowledged(s.shard()))) {
        pending.add(s.shard());
      }
    }
    int attempt = 0;
    while (!pending.isEmpty()) {
      if (halted()) {
        return;
      }
      for (Integer shard : List.copyOf(pending)) {
        try {
          if (deliverOne(job, shard, data)) {
            JobJournal.await(
                e.journal.update(
                    key,
                    List.of(),
                    Optional.empty(),
                    Map.of(JobData.acknowledged(shard), new byte[] {1})));
          }
          pending.remove(shard);
        } catch (Retry r) {
          LOG.debug("job {} shard {}: delivery: {}", key.jobId(), shard, r.getMessage());
        }
      }
      if (pending.isEmpty()) {
        break;
      }
      if (wallSeconds() >= giveUpAt) {
        LOG.warn(
            "job {}: shards {} not acknowledged; committing before the deadline anyway",
            key.jobId(),
            pending);
        return;
      }
      if (e.pause(backoff(attempt++))) {
        return;
      }
    }
  }

  /** Delivers one shard; true when accepted, false when refused for good (the node moves on). */
  private boolean deliverOne(JobRecord job, int shard, Map<String, byte[]> data) throws Retry {
    byte[] output = data.get(JobData.output(shard));
    byte[] leafBytes = data.get(JobData.inputLeaf(shard));
    ShardProgress progress =
        job.shards().stream().filter(s -> s.shard() == shard).findFirst().orElseThrow();
    if (output == null || leafBytes == null) {
      LOG.warn("job {} shard {}: output not in the journal; cannot deliver", key.jobId(), shard);
      return false;
    }
    Bytes32 outputHash = Bytes32.fromHex(progress.outputHash().orElseThrow());
    Bytes32 inputLeaf = Bytes32.wrap(leafBytes);
    Bytes32 profileHash = Capabilities.of(posted.spec().profileHash());
    byte[] signature;
    try {
      signature =
          e.chain
              .market()
              .signReceipt(
                  key.jobId(),
                  shard,
                  Capabilities.toMarket(inputLeaf),
                  Capabilities.toMarket(outputHash),
                  posted.spec().profileHash());
    } catch (ChainException ex) {
      throw new Retry("cannot sign: " + ex.getMessage());
    }
    ResultMessage message =
        new ResultMessage(
            key.jobId(), shard, output, inputLeaf, outputHash, profileHash, e.account, signature);
    JobProto.ResultAck ack;
    try {
      ack =
          e.link
              .deliver(requester, addresses, message.toProto())
              .get(P2P_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new Retry("interrupted");
    } catch (ExecutionException | TimeoutException | RuntimeException ex) {
      throw new Retry("cannot reach the requester: " + cause(ex));
    }
    if (ack.hasAccepted()) {
      LOG.info("job {} shard {}: delivered", key.jobId(), shard);
      return true;
    }
    JobProto.Refusal r = ack.getRefusal();
    if (r.getCode() == JobProto.Refusal.Code.BUSY) {
      throw new Retry("the requester is busy");
    }
    LOG.warn(
        "job {} shard {}: the requester refused the result ({}): {}",
        key.jobId(),
        shard,
        r.getCode(),
        r.getMessage());
    return false;
  }

  // ---------------------------------------------------------------- commit and finalize

  private void commit(JobRecord job) throws Exception {
    Map<String, byte[]> data = JobJournal.await(e.journal.data(key));
    Map<Long, Bytes32> leaves = new TreeMap<>();
    for (ShardProgress s : job.shards()) {
      Bytes32 inputLeaf = Bytes32.wrap(data.get(JobData.inputLeaf(s.shard())));
      Bytes32 outputHash = Bytes32.fromHex(s.outputHash().orElseThrow());
      leaves.put((long) s.shard(), ShardLeaves.resultLeaf(s.shard(), inputLeaf, outputHash));
    }
    Bytes32 root = ShardLeaves.resultTree(leaves).root();
    int attempt = 0;
    Assignment committed = null;
    while (committed == null) {
      checkCommitDeadline();
      e.transactions.lock();
      try {
        committed = e.chain.market().commit(assignment, Capabilities.toMarket(root));
      } catch (ContractRevertException ex) {
        committed = recordedCommit().orElse(null);
        if (committed == null) {
          LOG.warn("job {}: commit rejected: {}", key.jobId(), ex.getMessage());
        }
      } catch (ChainException ex) {
        LOG.info("job {}: commit failed, retrying: {}", key.jobId(), ex.getMessage());
      } finally {
        e.transactions.unlock();
      }
      if (committed == null) {
        pauseOrStop(attempt++);
      }
    }
    assignment = committed;
    JobJournal.await(
        e.journal.upsert(
            key,
            JobState.COMMITTED,
            List.of(),
            Map.of(JobData.ASSIGNMENT, JobData.encode(committed))));
    e.recordState(key, JobState.COMMITTED);
    LOG.info(
        "job {}: COMMITTED root {}; challenge window until {}",
        key.jobId(),
        root,
        committed.challengeDeadline());
  }

  /** Our commit as the chain recorded it (when a commit went through but was not journalled). */
  private Optional<Assignment> recordedCommit() {
    for (MarketEvent ev : e.chain.market().events(key.jobId())) {
      if (ev instanceof MarketEvent.ResultCommitted c && c.index() == assignment.index()) {
        return Optional.of(
            assignment.with(Assignment.Status.COMMITTED, c.resultRoot(), c.challengeDeadline()));
      }
    }
    return Optional.empty();
  }

  private boolean finalizedOnChain() {
    for (MarketEvent ev : e.chain.market().events(key.jobId())) {
      if (ev instanceof MarketEvent.AssignmentFinalized f && f.index() == assignment.index()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits for the challenge window to pass (on the wall clock: block time moves only when blocks
   * are mined), then finalizes. While the journal says CHALLENGED it waits for the committee (the
   * engine moves the job back to COMMITTED or to SLASHED); a terminal state ends the run.
   */
  private void finalizeAfterWindow() throws Exception {
    int attempt = 0;
    int changed = 0;
    while (true) {
      JobRecord job = JobJournal.await(e.journal.find(key)).orElseThrow();
      if (job.state().isTerminal()) {
        return;
      }
      Duration wait = Duration.ZERO;
      if (job.state() == JobState.CHALLENGED) {
        wait = Duration.ofSeconds(2);
      } else {
        assignment =
            JobData.decodeAssignment(JobJournal.await(e.journal.data(key)).get(JobData.ASSIGNMENT));
        if (wallSeconds() <= assignment.challengeDeadline()) {
          long left = assignment.challengeDeadline() + 1 - wallSeconds();
          wait = Duration.ofSeconds(Math.max(1, Math.min(left, 5)));
        }
      }
      if (!wait.isZero()) {
        if (e.pause(wait) || stopped) {
          return;
        }
        continue;
      }
      e.transactions.lock();
      try {
        e.chain.market().finalizeAssignment(assignment);
        break;
      } catch (ContractRevertException ex) {
        if ("ChallengeWindowOpen".equals(ex.errorName())) {
          if (attempt >= MAX_FINALIZE_TRIES) {
            throw new GiveUp(
                "the chain still says the challenge window is open: " + ex.getMessage());
          }
        } else if (finalizedOnChain()) {
          break;
        } else if (("AssignmentMismatch".equals(ex.errorName())
                || "WrongStatus".equals(ex.errorName()))
            && ++changed <= MAX_FINALIZE_TRIES) {
          // Challenged on chain before the watcher told the engine: wait for it.
          LOG.info("job {}: the chain's record changed (challenged?); waiting", key.jobId());
        } else {
          throw new GiveUp("finalize rejected: " + ex.getMessage());
        }
      } catch (ChainException ex) {
        LOG.info("job {}: finalize failed, retrying: {}", key.jobId(), ex.getMessage());
      } finally {
        e.transactions.unlock();
      }
      if (e.pause(Duration.ofSeconds(1).plus(backoff(attempt++))) || stopped) {
        return;
      }
    }
    JobJournal.await(e.journal.upsert(key, JobState.FINALIZED, List.of()));
    e.recordState(key, JobState.FINALIZED);
    LOG.info("job {}: FINALIZED, paid {} wei", key.jobId(), assignment.payment());
  }

  private static String cause(Throwable t) {
    Throwable c = t;
    while ((c instanceof ExecutionException
            || c instanceof java.util.concurrent.CompletionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
