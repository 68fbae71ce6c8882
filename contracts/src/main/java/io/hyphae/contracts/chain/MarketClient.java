package io.hyphae.contracts.chain;

import io.hyphae.contracts.generated.JobMarket;
import io.hyphae.contracts.generated.ProviderRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * One account's typed access to the market and the registry, shared by the node and the wallet CLI.
 * The generated web3j wrappers encode calls and decode events; the account's {@link
 * TransactionSender} sends them (gas estimated per call, receipts polled fast, reverts decoded into
 * {@link ContractRevertException}s naming the contract's error).
 */
public final class MarketClient {

  /** A bid and its provider's EIP-712 signature. */
  public record SignedBid(JobMarket.Bid bid, byte[] signature) {
    public SignedBid {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  private final TransactionSender sender;
  private final Deployment deployment;
  private final JobMarket market;
  private final ProviderRegistry registry;
  private final Eip712 eip712;

  public MarketClient(TransactionSender sender, Deployment deployment) {
    if (sender.chain().chainId() != deployment.chainId()) {
      throw new IllegalArgumentException(
          "the deployment is for chain "
              + deployment.chainId()
              + " but the connection is to chain "
              + sender.chain().chainId());
    }
    this.sender = sender;
    this.deployment = deployment;
    Web3j web3j = sender.chain().web3j();
    // The wrappers only encode calls and read views: a read-only manager cannot send, and its
    // gas provider is never asked (the sender estimates gas per transaction).
    ReadonlyTransactionManager readOnly = new ReadonlyTransactionManager(web3j, sender.address());
    StaticGasProvider unused = new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);
    this.market = JobMarket.load(deployment.market(), web3j, readOnly, unused);
    this.registry = ProviderRegistry.load(deployment.registry(), web3j, readOnly, unused);
    this.eip712 = new Eip712(deployment.chainId(), deployment.market());
  }

  public String address() {
    return sender.address();
  }

  public ChainConnection chain() {
    return sender.chain();
  }

  public Deployment deployment() {
    return deployment;
  }

  public Eip712 eip712() {
    return eip712;
  }

  /** Views of the market through the generated wrapper (calls only: it cannot send). */
  public JobMarket marketView() {
    return market;
  }

  /** Views of the registry through the generated wrapper (calls only: it cannot send). */
  public ProviderRegistry registryView() {
    return registry;
  }

  // ---------------------------------------------------------------- registry

  public TransactionReceipt register(byte[] peerId, BigInteger stake) {
    return toRegistry(registry.register(peerId, stake), stake, "registering as a provider");
  }

  public TransactionReceipt addStake(BigInteger amount) {
    return toRegistry(registry.addStake(amount), amount, "adding stake");
  }

  public TransactionReceipt unbond(BigInteger amount) {
    return toRegistry(registry.unbond(amount), BigInteger.ZERO, "unbonding stake");
  }

  public TransactionReceipt withdrawUnbonded() {
    return toRegistry(registry.withdrawUnbonded(), BigInteger.ZERO, "withdrawing unbonded stake");
  }

  // ---------------------------------------------------------------- bids

  /** Signs a bid as this client's account (which must be the bid's provider). */
  public SignedBid signBid(JobMarket.Bid bid) {
    if (!bid.provider.equalsIgnoreCase(sender.address())) {
      throw new IllegalArgumentException(
          "bid names provider " + bid.provider + " but this account is " + sender.address());
    }
    return new SignedBid(bid, Eip712.sign(eip712.bidDigest(bid), sender.credentials()));
  }

  /** Signs a shard receipt as this client's account (which must be the receipt's provider). */
  public byte[] signReceipt(Eip712.ShardReceipt receipt) {
    if (!receipt.provider().equalsIgnoreCase(sender.address())) {
      throw new IllegalArgumentException(
          "receipt names provider "
              + receipt.provider()
              + " but this account is "
              + sender.address());
    }
    return Eip712.sign(eip712.receiptDigest(receipt), sender.credentials());
  }

  // ---------------------------------------------------------------- job lifecycle

  public TransactionReceipt postJob(JobMarket.JobSpec spec, BigInteger escrow) {
    return toMarket(market.postJob(spec, escrow), escrow, "posting the job");
  }

  public TransactionReceipt cancelJob(JobMarket.JobSpec spec) {
    return toMarket(market.cancelJob(spec), BigInteger.ZERO, "cancelling the job");
  }

  public TransactionReceipt assign(JobMarket.JobSpec spec, List<SignedBid> bids) {
    return toMarket(
        market.assign(spec, bidsOf(bids), signaturesOf(bids)),
        BigInteger.ZERO,
        "assigning the job");
  }

  public TransactionReceipt postAndAssign(
      JobMarket.JobSpec spec, List<SignedBid> bids, BigInteger value) {
    return toMarket(
        market.postAndAssign(spec, bidsOf(bids), signaturesOf(bids), value),
        value,
        "posting and assigning the job");
  }

  public TransactionReceipt commit(JobMarket.Assignment a, byte[] resultRoot) {
    return toMarket(market.commit(a, resultRoot), BigInteger.ZERO, "committing results");
  }

  public TransactionReceipt finalizeAssignment(JobMarket.Assignment a) {
    return toMarket(market.finalize(a), BigInteger.ZERO, "finalizing the assignment");
  }

  public TransactionReceipt finalizeBatch(List<JobMarket.Assignment> list) {
    return toMarket(market.finalizeBatch(list), BigInteger.ZERO, "finalizing assignments");
  }

  public TransactionReceipt reclaim(JobMarket.Assignment a) {
    return toMarket(market.reclaim(a), BigInteger.ZERO, "reclaiming the assignment");
  }

  public TransactionReceipt withdraw() {
    return toMarket(market.withdraw(), BigInteger.ZERO, "withdrawing");
  }

  // ---------------------------------------------------------------- challenge

  public TransactionReceipt challenge(
      JobMarket.Assignment a,
      long shard,
      byte[] inputLeaf,
      byte[] outputHash,
      List<byte[]> proof,
      BigInteger bond) {
    return toMarket(
        market.challenge(a, BigInteger.valueOf(shard), inputLeaf, outputHash, proof, bond),
        bond,
        "challenging shard " + shard);
  }

  // ---------------------------------------------------------------- withholding challenge

  /** Demands a shard's result leaf; the requester sends no bond, anyone else the challenge bond. */
  public TransactionReceipt demandLeaf(JobMarket.Assignment a, long shard, BigInteger bond) {
    return toMarket(
        market.demandLeaf(a, BigInteger.valueOf(shard), bond),
        bond,
        "demanding the leaf of shard " + shard);
  }

  /** Answers an open leaf demand ({@code a} as recorded, status LeafDemanded) with its proof. */
  public TransactionReceipt answerLeaf(
      JobMarket.Assignment a, byte[] inputLeaf, byte[] outputHash, List<byte[]> proof) {
    return toMarket(
        market.answerLeaf(a, inputLeaf, outputHash, proof),
        BigInteger.ZERO,
        "answering the leaf demand");
  }

  /** Slashes a provider that left a leaf demand unanswered past its response deadline. */
  public TransactionReceipt claimWithheld(JobMarket.Assignment a) {
    return toMarket(market.claimWithheld(a), BigInteger.ZERO, "claiming a withheld leaf");
  }

  public TransactionReceipt commitVote(BigInteger challengeId, boolean upheld, byte[] salt) {
    byte[] commitment = MarketHashes.voteCommitment(challengeId, sender.address(), upheld, salt);
    return toMarket(
        market.commitVote(challengeId, commitment), BigInteger.ZERO, "committing a vote");
  }

  public TransactionReceipt revealVote(BigInteger challengeId, boolean upheld, byte[] salt) {
    return toMarket(
        market.revealVote(challengeId, upheld, salt), BigInteger.ZERO, "revealing a vote");
  }

  public TransactionReceipt resolve(BigInteger challengeId, JobMarket.Assignment challenged) {
    return toMarket(
        market.resolve(challengeId, challenged), BigInteger.ZERO, "resolving the challenge");
  }

  // ---------------------------------------------------------------- records from events

  /** The assignments a post/assign transaction created, in bid order. */
  public static List<JobMarket.Assignment> assignmentsOf(TransactionReceipt receipt) {
    List<JobMarket.Assignment> out = new ArrayList<>();
    for (JobMarket.AssignmentCreatedEventResponse e :
        JobMarket.getAssignmentCreatedEvents(receipt)) {
      out.add(e.assignment);
    }
    return out;
  }

  /** The assignment as recorded after its commit transaction. */
  public static JobMarket.Assignment committed(
      JobMarket.Assignment a, TransactionReceipt commitReceipt) {
    List<JobMarket.ResultCommittedEventResponse> events =
        JobMarket.getResultCommittedEvents(commitReceipt);
    if (events.size() != 1) {
      throw new ChainException("the receipt holds no single ResultCommitted event");
    }
    JobMarket.ResultCommittedEventResponse e = events.get(0);
    return withState(a, Status.COMMITTED, e.resultRoot, e.challengeDeadline);
  }

  /** The assignment as recorded while a challenge is open. */
  public static JobMarket.Assignment challenged(JobMarket.Assignment committed) {
    return withState(
        committed, Status.CHALLENGED, committed.resultRoot, committed.challengeDeadline);
  }

  /** The assignment as recorded while a leaf demand is open. */
  public static JobMarket.Assignment leafDemanded(JobMarket.Assignment committed) {
    return withState(
        committed, Status.LEAF_DEMANDED, committed.resultRoot, committed.challengeDeadline);
  }

  /** The assignment as recorded after a leaf demand was answered (Committed, window extended). */
  public static JobMarket.Assignment answered(
      JobMarket.Assignment a, TransactionReceipt answerReceipt) {
    List<JobMarket.LeafAnsweredEventResponse> events =
        JobMarket.getLeafAnsweredEvents(answerReceipt);
    if (events.size() != 1) {
      throw new ChainException("the receipt holds no single LeafAnswered event");
    }
    return withState(a, Status.COMMITTED, a.resultRoot, events.get(0).challengeDeadline);
  }

  /** The id of the challenge a challenge transaction opened. */
  public static JobMarket.ChallengeOpenedEventResponse challengeOf(TransactionReceipt receipt) {
    List<JobMarket.ChallengeOpenedEventResponse> events =
        JobMarket.getChallengeOpenedEvents(receipt);
    if (events.size() != 1) {
      throw new ChainException("the receipt holds no single ChallengeOpened event");
    }
    return events.get(0);
  }

  /** Assignment states as the contract numbers them. */
  public enum Status {
    NONE,
    ASSIGNED,
    COMMITTED,
    CHALLENGED,
    FINALIZED,
    RECLAIMED,
    SLASHED,
    LEAF_DEMANDED;

    public BigInteger code() {
      return BigInteger.valueOf(ordinal());
    }
  }

  private static JobMarket.Assignment withState(
      JobMarket.Assignment a, Status status, byte[] resultRoot, BigInteger challengeDeadline) {
    return new JobMarket.Assignment(
        a.jobId,
        a.index,
        a.replica,
        status.code(),
        a.requester,
        a.provider,
        a.firstShard,
        a.shardCount,
        a.pricePerShard,
        a.collateral,
        a.commitDeadline,
        a.challengeWindow,
        resultRoot,
        challengeDeadline);
  }

  private static List<JobMarket.Bid> bidsOf(List<SignedBid> bids) {
    return bids.stream().map(SignedBid::bid).toList();
  }

  private static List<byte[]> signaturesOf(List<SignedBid> bids) {
    return bids.stream().map(SignedBid::signature).toList();
  }

  private TransactionReceipt toMarket(
      RemoteFunctionCall<TransactionReceipt> call, BigInteger value, String action) {
    return sender.call(deployment.market(), call.encodeFunctionCall(), value, action);
  }

  private TransactionReceipt toRegistry(
      RemoteFunctionCall<TransactionReceipt> call, BigInteger value, String action) {
    return sender.call(deployment.registry(), call.encodeFunctionCall(), value, action);
  }
}
