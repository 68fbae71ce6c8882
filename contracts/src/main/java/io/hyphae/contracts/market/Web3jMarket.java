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
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

/** {@link Market} on a real chain, through one account's {@link MarketClient}. */
public final class Web3jMarket implements Market {

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
  public BigInteger withdrawable(String account) {
    return view(client.marketView().withdrawable(account), "reading the withdrawable balance");
  }

  @Override
  public BigInteger withdraw() {
    return JobMarket.getWithdrawnEvents(client.withdraw()).get(0).amount;
  }

  @Override
  public List<MarketEvent> events(BigInteger jobId) {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameterName.LATEST,
            client.deployment().market());
    filter.addSingleTopic(null);
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(jobId, 64));
    // Other events whose first indexed argument happens to equal the id are not job events.
    return logs(filter, "reading the events of job " + jobId).stream()
        .map(BlockEvent::event)
        .toList();
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
      if (item.get() instanceof Log log && !log.getTopics().isEmpty()) {
        Function<Log, MarketEvent> decoder = DECODERS.get(log.getTopics().get(0));
        if (decoder != null && !log.isRemoved()) {
          out.add(
              new BlockEvent(
                  log.getBlockNumber().longValueExact(),
                  log.getLogIndex().intValueExact(),
                  decoder.apply(log)));
        }
      }
    }
    return out;
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
