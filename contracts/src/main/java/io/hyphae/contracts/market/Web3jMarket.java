package io.hyphae.contracts.market;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.MarketHashes;
import io.hyphae.contracts.generated.JobMarket;
import io.hyphae.contracts.generated.ProviderRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * {@link Market} on a real chain, through one account's {@link MarketClient}. The committee's
 * events carry only the challenge id on chain; their job and assignment index come from the
 * challenge's {@code ChallengeOpened} event when this view has seen it, else from {@code
 * challengeOf} (one view call), and are remembered for the last {@value #MAX_KNOWN_CHALLENGES}
 * challenges.
 */
public final class Web3jMarket implements Market {

  static final int MAX_KNOWN_CHALLENGES = 4096;

  private static final String CHALLENGE_OPENED =
      EventEncoder.encode(JobMarket.CHALLENGEOPENED_EVENT);
  private static final String VOTE_COMMITTED = EventEncoder.encode(JobMarket.VOTECOMMITTED_EVENT);
  private static final String VOTE_REVEALED = EventEncoder.encode(JobMarket.VOTEREVEALED_EVENT);
  private static final String CHALLENGE_RESOLVED =
      EventEncoder.encode(JobMarket.CHALLENGERESOLVED_EVENT);
  private static final String MEMBER_PENALIZED =
      EventEncoder.encode(JobMarket.MEMBERPENALIZED_EVENT);

  /** Topic 0 of the events indexed by challenge id rather than job id. */
  private static final Set<String> BY_CHALLENGE =
      Set.of(CHALLENGE_OPENED, VOTE_COMMITTED, VOTE_REVEALED, CHALLENGE_RESOLVED, MEMBER_PENALIZED);

  /** A challenge's job and assignment index. */
  private record ChallengedAssignment(BigInteger jobId, int index) {}

  /** Job events by topic 0, decoded with the generated wrapper. */
  private static final Map<String, Function<Log, MarketEvent>> DECODERS =
      Map.of(
          EventEncoder.encode(JobMarket.JOBPOSTED_EVENT),
          log -> {
            var e = JobMarket.getJobPostedEventFromLog(log);
            return new MarketEvent.JobPosted(
                e.jobId, e.requester, GeneratedTypes.fromGenerated(e.spec), e.escrow);
          },
          EventEncoder.encode(JobMarket.JOBCANCELLED_EVENT),
          log -> {
            var e = JobMarket.getJobCancelledEventFromLog(log);
            return new MarketEvent.JobCancelled(e.jobId, e.refund);
          },
          EventEncoder.encode(JobMarket.JOBASSIGNED_EVENT),
          log -> {
            var e = JobMarket.getJobAssignedEventFromLog(log);
            return new MarketEvent.JobAssigned(
                e.jobId, e.assignments.intValueExact(), e.cost, e.refund);
          },
          EventEncoder.encode(JobMarket.ASSIGNMENTCREATED_EVENT),
          log ->
              new MarketEvent.AssignmentCreated(
                  GeneratedTypes.fromGenerated(
                      JobMarket.getAssignmentCreatedEventFromLog(log).assignment)),
          EventEncoder.encode(JobMarket.RESULTCOMMITTED_EVENT),
          log -> {
            var e = JobMarket.getResultCommittedEventFromLog(log);
            return new MarketEvent.ResultCommitted(
                e.jobId,
                e.index.intValueExact(),
                e.provider,
                Bytes32.of(e.resultRoot),
                e.challengeDeadline.longValueExact());
          },
          EventEncoder.encode(JobMarket.ASSIGNMENTFINALIZED_EVENT),
          log -> {
            var e = JobMarket.getAssignmentFinalizedEventFromLog(log);
            return new MarketEvent.AssignmentFinalized(
                e.jobId, e.index.intValueExact(), e.provider, e.payment);
          },
          EventEncoder.encode(JobMarket.ASSIGNMENTRECLAIMED_EVENT),
          log -> {
            var e = JobMarket.getAssignmentReclaimedEventFromLog(log);
            return new MarketEvent.AssignmentReclaimed(
                e.jobId, e.index.intValueExact(), e.provider, e.refund, e.slashed);
          },
          EventEncoder.encode(JobMarket.LEAFDEMANDED_EVENT),
          log -> {
            var e = JobMarket.getLeafDemandedEventFromLog(log);
            return new MarketEvent.LeafDemanded(
                e.jobId,
                e.index.intValueExact(),
                e.demander,
                e.shard.intValueExact(),
                e.responseDeadline.longValueExact());
          },
          EventEncoder.encode(JobMarket.LEAFANSWERED_EVENT),
          log -> {
            var e = JobMarket.getLeafAnsweredEventFromLog(log);
            return new MarketEvent.LeafAnswered(
                e.jobId,
                e.index.intValueExact(),
                e.shard.intValueExact(),
                Bytes32.of(e.inputLeaf),
                Bytes32.of(e.outputHash),
                e.challengeDeadline.longValueExact());
          },
          EventEncoder.encode(JobMarket.LEAFWITHHELD_EVENT),
          log -> {
            var e = JobMarket.getLeafWithheldEventFromLog(log);
            return new MarketEvent.LeafWithheld(
                e.jobId,
                e.index.intValueExact(),
                e.provider,
                e.shard.intValueExact(),
                e.refund,
                e.slashed);
          });

  private final MarketClient client;

  /** Challenge id to the challenged assignment, least recently used dropped first. */
  private final Map<BigInteger, ChallengedAssignment> challenged =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<BigInteger, ChallengedAssignment> eldest) {
          return size() > MAX_KNOWN_CHALLENGES;
        }
      };

  public Web3jMarket(MarketClient client) {
    this.client = client;
  }

  @Override
  public String account() {
    return client.address().toLowerCase(Locale.ROOT);
  }

  @Override
  public long now() {
    try {
      return client
          .chain()
          .web3j()
          .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
          .send()
          .getBlock()
          .getTimestamp()
          .longValueExact();
    } catch (IOException | RuntimeException e) {
      throw new ChainException("reading the chain's time failed: " + e.getMessage(), e);
    }
  }

  @Override
  public BigInteger challengeBond() {
    return view(client.marketView().challengeBond(), "reading the challenge bond");
  }

  @Override
  public long responsePeriod() {
    return view(client.marketView().votingPeriod(), "reading the response period").longValueExact();
  }

  @Override
  public void register(byte[] peerId, BigInteger stake) {
    client.register(peerId, stake);
  }

  @Override
  public ProviderInfo provider(String address) {
    ProviderRegistry.Provider p =
        view(client.registryView().providerOf(address), "reading provider " + address);
    return new ProviderInfo(
        p.registered,
        p.stake,
        p.locked,
        p.jobsCompleted.longValueExact(),
        p.shardsServed.longValueExact(),
        p.timesSlashed.longValueExact());
  }

  @Override
  public BigInteger jobId(String requester, JobSpec spec) {
    return MarketHashes.jobId(requester, GeneratedTypes.toGenerated(spec));
  }

  @Override
  public SignedBid signBid(Bid bid) {
    MarketClient.SignedBid signed = client.signBid(GeneratedTypes.toGenerated(bid));
    return new SignedBid(bid, signed.signature());
  }

  @Override
  public byte[] signReceipt(
      BigInteger jobId, int shard, Bytes32 inputLeaf, Bytes32 outputHash, Bytes32 profileHash) {
    return client.signReceipt(
        new Eip712.ShardReceipt(
            jobId,
            shard,
            inputLeaf.toArray(),
            outputHash.toArray(),
            profileHash.toArray(),
            account()));
  }

  @Override
  public BigInteger postJob(JobSpec spec) {
    client.postJob(GeneratedTypes.toGenerated(spec), spec.escrow());
    return jobId(account(), spec);
  }

  @Override
  public void cancelJob(JobSpec spec) {
    client.cancelJob(GeneratedTypes.toGenerated(spec));
  }

  @Override
  public List<Assignment> assign(JobSpec spec, List<SignedBid> bids) {
    return assignments(client.assign(GeneratedTypes.toGenerated(spec), signed(bids)));
  }

  @Override
  public List<Assignment> postAndAssign(JobSpec spec, List<SignedBid> bids, BigInteger value) {
    return assignments(client.postAndAssign(GeneratedTypes.toGenerated(spec), signed(bids), value));
  }

  @Override
  public Assignment commit(Assignment assigned, Bytes32 resultRoot) {
    JobMarket.Assignment a = GeneratedTypes.toGenerated(assigned);
    return GeneratedTypes.fromGenerated(
        MarketClient.committed(a, client.commit(a, resultRoot.toArray())));
  }

  @Override
  public BigInteger finalizeAssignment(Assignment committed) {
    TransactionReceipt r = client.finalizeAssignment(GeneratedTypes.toGenerated(committed));
    return JobMarket.getAssignmentFinalizedEvents(r).get(0).payment;
  }

  @Override
  public BigInteger reclaim(Assignment assigned) {
    TransactionReceipt r = client.reclaim(GeneratedTypes.toGenerated(assigned));
    JobMarket.AssignmentReclaimedEventResponse e = JobMarket.getAssignmentReclaimedEvents(r).get(0);
    return e.refund.add(e.slashed);
  }

  @Override
  public Assignment demandLeaf(Assignment committed, int shard) {
    BigInteger bond = committed.requester().equals(account()) ? BigInteger.ZERO : challengeBond();
    client.demandLeaf(GeneratedTypes.toGenerated(committed), shard, bond);
    return committed.with(Assignment.Status.LEAF_DEMANDED);
  }

  @Override
  public Assignment answerLeaf(
      Assignment demanded, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof) {
    JobMarket.Assignment a = GeneratedTypes.toGenerated(demanded);
    TransactionReceipt r =
        client.answerLeaf(
            a,
            inputLeaf.toArray(),
            outputHash.toArray(),
            proof.stream().map(Bytes32::toArray).toList());
    return GeneratedTypes.fromGenerated(MarketClient.answered(a, r));
  }

  @Override
  public BigInteger claimWithheld(Assignment demanded) {
    TransactionReceipt r = client.claimWithheld(GeneratedTypes.toGenerated(demanded));
    JobMarket.LeafWithheldEventResponse e = JobMarket.getLeafWithheldEvents(r).get(0);
    return e.refund.add(e.slashed);
  }

  @Override
  public BigInteger challenge(
      Assignment committed, int shard, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof) {
    TransactionReceipt r =
        client.challenge(
            GeneratedTypes.toGenerated(committed),
            shard,
            inputLeaf.toArray(),
            outputHash.toArray(),
            proof.stream().map(Bytes32::toArray).toList(),
            challengeBond());
    JobMarket.ChallengeOpenedEventResponse e = MarketClient.challengeOf(r);
    remember(e.challengeId, e.jobId, e.index.intValueExact());
    return e.challengeId;
  }

  @Override
  public void commitVote(BigInteger challengeId, boolean upheld, Bytes32 salt) {
    client.commitVote(challengeId, upheld, salt.toArray());
  }

  @Override
  public void revealVote(BigInteger challengeId, boolean upheld, Bytes32 salt) {
    client.revealVote(challengeId, upheld, salt.toArray());
  }

  @Override
  public Challenge.Verdict resolve(BigInteger challengeId, Assignment challenged) {
    TransactionReceipt r = client.resolve(challengeId, GeneratedTypes.toGenerated(challenged));
    List<JobMarket.ChallengeResolvedEventResponse> events = JobMarket.getChallengeResolvedEvents(r);
    if (events.size() != 1) {
      throw new ChainException("the receipt holds no single ChallengeResolved event");
    }
    return Challenge.Verdict.ofCode(events.get(0).verdict.intValueExact());
  }

  @Override
  public Optional<Challenge> challengeOf(BigInteger challengeId) {
    JobMarket.Challenge c =
        view(client.marketView().challengeOf(challengeId), "reading challenge " + challengeId);
    if (c.challenger == null || new BigInteger(c.challenger.substring(2), 16).signum() == 0) {
      return Optional.empty();
    }
    remember(challengeId, c.jobId, c.index.intValueExact());
    return Optional.of(
        new Challenge(
            challengeId,
            c.jobId,
            c.index.intValueExact(),
            c.challenger,
            c.shard.intValueExact(),
            c.commitDeadline.longValueExact(),
            c.revealDeadline.longValueExact(),
            c.bond,
            c.upheld.intValueExact(),
            c.rejected.intValueExact(),
            c.revealed.intValueExact(),
            Boolean.TRUE.equals(c.resolved),
            c.members));
  }

  @Override
  public BigInteger withdrawable(String account) {
    return view(client.marketView().withdrawable(account), "reading the withdrawable balance");
  }

  @Override
  public BigInteger withdraw() {
    return JobMarket.getWithdrawnEvents(client.withdraw()).get(0).amount;
  }

  @Override
  public List<MarketEvent> events(BigInteger jobId) {
    String job = Numeric.toHexStringWithPrefixZeroPadded(jobId, 64);
    String action = "reading the events of job " + jobId;
    EthFilter jobEvents = marketFilter(DefaultBlockParameterName.EARLIEST);
    jobEvents.addSingleTopic(null);
    jobEvents.addSingleTopic(job);
    // Events indexed by challenge id whose id happens to equal the job id are not this job's.
    List<BlockEvent> out =
        new ArrayList<>(
            logs(jobEvents, action).stream()
                .filter(e -> !(e.event() instanceof MarketEvent.OfChallenge))
                .toList());
    EthFilter opened = marketFilter(DefaultBlockParameterName.EARLIEST);
    opened.addSingleTopic(CHALLENGE_OPENED);
    opened.addSingleTopic(null);
    opened.addSingleTopic(job);
    List<BlockEvent> openings = logs(opened, action);
    out.addAll(openings);
    if (!openings.isEmpty()) {
      EthFilter votes = marketFilter(DefaultBlockParameterName.EARLIEST);
      votes.addOptionalTopics(VOTE_COMMITTED, VOTE_REVEALED, CHALLENGE_RESOLVED, MEMBER_PENALIZED);
      votes.addOptionalTopics(
          openings.stream()
              .map(e -> ((MarketEvent.ChallengeOpened) e.event()).challengeId())
              .map(id -> Numeric.toHexStringWithPrefixZeroPadded(id, 64))
              .toArray(String[]::new));
      out.addAll(logs(votes, action));
    }
    out.sort(Comparator.comparingLong(BlockEvent::block).thenComparingInt(BlockEvent::logIndex));
    return out.stream().map(BlockEvent::event).toList();
  }

  private EthFilter marketFilter(DefaultBlockParameterName from) {
    return new EthFilter(from, DefaultBlockParameterName.LATEST, client.deployment().market());
  }

  @Override
  public long latestBlock() {
    try {
      var response = client.chain().web3j().ethBlockNumber().send();
      if (response.hasError()) {
        throw new ChainException(
            "reading the latest block failed: " + response.getError().getMessage());
      }
      return response.getBlockNumber().longValueExact();
    } catch (IOException | ArithmeticException e) {
      throw new ChainException("reading the latest block failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<BlockEvent> eventsBetween(long fromBlock, long toBlock) {
    if (fromBlock < 0 || toBlock < fromBlock) {
      throw new IllegalArgumentException("not a block range: " + fromBlock + ".." + toBlock);
    }
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
            DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)),
            client.deployment().market());
    return logs(filter, "reading the market's events in blocks " + fromBlock + ".." + toBlock);
  }

  /** The market events the filter matches, decoded, in chain order; other logs are skipped. */
  private List<BlockEvent> logs(EthFilter filter, String action) {
    EthLog result;
    try {
      result = client.chain().web3j().ethGetLogs(filter).send();
    } catch (IOException e) {
      throw new ChainException(action + " failed: " + e.getMessage(), e);
    }
    if (result.hasError()) {
      throw new ChainException(action + " failed: " + result.getError().getMessage());
    }
    List<BlockEvent> out = new ArrayList<>();
    for (EthLog.LogResult<?> item : result.getLogs()) {
      if (item.get() instanceof Log log && !log.getTopics().isEmpty() && !log.isRemoved()) {
        String topic = log.getTopics().get(0);
        Function<Log, MarketEvent> decoder = DECODERS.get(topic);
        MarketEvent event =
            decoder != null
                ? decoder.apply(log)
                : BY_CHALLENGE.contains(topic) ? challengeEvent(topic, log) : null;
        if (event != null) {
          out.add(
              new BlockEvent(
                  log.getBlockNumber().longValueExact(), log.getLogIndex().intValueExact(), event));
        }
      }
    }
    return out;
  }

  /** Decodes an event indexed by challenge id, with its challenged assignment. */
  private MarketEvent challengeEvent(String topic, Log log) {
    if (topic.equals(CHALLENGE_OPENED)) {
      var e = JobMarket.getChallengeOpenedEventFromLog(log);
      remember(e.challengeId, e.jobId, e.index.intValueExact());
      return new MarketEvent.ChallengeOpened(
          e.challengeId,
          e.jobId,
          e.index.intValueExact(),
          e.challenger,
          e.shard.intValueExact(),
          Bytes32.of(e.inputLeaf),
          Bytes32.of(e.outputHash),
          e.members,
          e.commitDeadline.longValueExact(),
          e.revealDeadline.longValueExact());
    }
    if (topic.equals(VOTE_COMMITTED)) {
      var e = JobMarket.getVoteCommittedEventFromLog(log);
      ChallengedAssignment a = challengedBy(e.challengeId);
      return new MarketEvent.VoteCommitted(e.challengeId, a.jobId(), a.index(), e.member);
    }
    if (topic.equals(VOTE_REVEALED)) {
      var e = JobMarket.getVoteRevealedEventFromLog(log);
      ChallengedAssignment a = challengedBy(e.challengeId);
      return new MarketEvent.VoteRevealed(
          e.challengeId, a.jobId(), a.index(), e.member, Boolean.TRUE.equals(e.upheld));
    }
    if (topic.equals(CHALLENGE_RESOLVED)) {
      var e = JobMarket.getChallengeResolvedEventFromLog(log);
      ChallengedAssignment a = challengedBy(e.challengeId);
      return new MarketEvent.ChallengeResolved(
          e.challengeId,
          a.jobId(),
          a.index(),
          Challenge.Verdict.ofCode(e.verdict.intValueExact()),
          e.upheld.intValueExact(),
          e.rejected.intValueExact(),
          e.revealed.intValueExact(),
          e.pool);
    }
    var e = JobMarket.getMemberPenalizedEventFromLog(log);
    ChallengedAssignment a = challengedBy(e.challengeId);
    return new MarketEvent.MemberPenalized(
        e.challengeId, a.jobId(), a.index(), e.member, e.penalty);
  }

  private void remember(BigInteger challengeId, BigInteger jobId, int index) {
    synchronized (challenged) {
      challenged.put(challengeId, new ChallengedAssignment(jobId, index));
    }
  }

  /** The assignment a challenge is about: remembered, else read from the chain. */
  private ChallengedAssignment challengedBy(BigInteger challengeId) {
    synchronized (challenged) {
      ChallengedAssignment known = challenged.get(challengeId);
      if (known != null) {
        return known;
      }
    }
    Challenge c =
        challengeOf(challengeId)
            .orElseThrow(
                () ->
                    new ChainException(
                        "an event names challenge " + challengeId + ", which the market lacks"));
    return new ChallengedAssignment(c.jobId(), c.index());
  }

  private static List<Assignment> assignments(TransactionReceipt receipt) {
    return MarketClient.assignmentsOf(receipt).stream().map(GeneratedTypes::fromGenerated).toList();
  }

  private static List<MarketClient.SignedBid> signed(List<SignedBid> bids) {
    return bids.stream()
        .map(b -> new MarketClient.SignedBid(GeneratedTypes.toGenerated(b.bid()), b.signature()))
        .toList();
  }

  private static <T> T view(RemoteFunctionCall<T> call, String action) {
    try {
      return call.send();
    } catch (Exception e) {
      throw new ChainException(action + " failed: " + e.getMessage(), e);
    }
  }
}
