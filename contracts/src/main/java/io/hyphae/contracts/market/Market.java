package io.hyphae.contracts.market;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * One account's view of the job market and provider registry: what a node (provider) and the wallet
 * (requester) do on chain. Every rule is the contract's (docs/contracts.md); a call the market
 * rejects throws {@link io.hyphae.contracts.chain.ContractRevertException} naming the contract's
 * error, and a failed transport throws {@link io.hyphae.contracts.chain.ChainException}. Calls
 * block until the transaction is mined (implementations bound the wait).
 */
public interface Market {

  /** This view's account (lower-case hex address). */
  String account();

  /** The chain's current time, unix seconds (the latest block's timestamp). */
  long now();

  /** What a challenger or a non-requester leaf demand deposits. */
  BigInteger challengeBond();

  /** How long a provider has to answer a leaf demand (the market's voting period), in seconds. */
  long responsePeriod();

  // ---------------------------------------------------------------- registry

  void register(byte[] peerId, BigInteger stake);

  ProviderInfo provider(String address);

  // ---------------------------------------------------------------- jobs and bids

  /** {@code uint256(keccak256(abi.encode(requester, spec)))}, known before posting. */
  BigInteger jobId(String requester, JobSpec spec);

  /** Signs a bid as this account, which must be the bid's provider. */
  SignedBid signBid(Bid bid);

  /**
   * Signs the EIP-712 {@code ShardReceipt} of a shard this account (the provider) ran, over the
   * market's domain; returns the 65-byte signature.
   */
  byte[] signReceipt(
      BigInteger jobId, int shard, Bytes32 inputLeaf, Bytes32 outputHash, Bytes32 profileHash);

  /** Posts a job with exactly {@link JobSpec#escrow()}; returns its id. */
  BigInteger postJob(JobSpec spec);

  void cancelJob(JobSpec spec);

  /** Assigns an open job of this account to the bids; returns the assignments in bid order. */
  List<Assignment> assign(JobSpec spec, List<SignedBid> bids);

  /** Posts and assigns in one transaction; {@code value} must cover the bids' price. */
  List<Assignment> postAndAssign(JobSpec spec, List<SignedBid> bids, BigInteger value);

  // ---------------------------------------------------------------- assignment lifecycle

  /** The provider commits its result root; returns the assignment as now recorded. */
  Assignment commit(Assignment assigned, Bytes32 resultRoot);

  /** Pays the provider after the challenge window; returns the payment. */
  BigInteger finalizeAssignment(Assignment committed);

  /** After a missed commit deadline: slashes the provider; returns what the requester gets. */
  BigInteger reclaim(Assignment assigned);

  /**
   * Demands the result leaf of {@code shard} (withholding challenge); the requester sends no bond,
   * anyone else {@link #challengeBond()}. Returns the assignment as now recorded.
   */
  Assignment demandLeaf(Assignment committed, int shard);

  /**
   * Answers an open leaf demand with the leaf's parts and proof; returns the record (Committed).
   */
  Assignment answerLeaf(
      Assignment demanded, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof);

  /**
   * After an unanswered demand's deadline: slashes the provider; returns the requester's refund.
   */
  BigInteger claimWithheld(Assignment demanded);

  // ---------------------------------------------------------------- challenge and committee

  /**
   * Challenges one committed shard inside the challenge window with its result leaf's parts and the
   * leaf's Merkle proof against the committed root, sending {@link #challengeBond()}; the market
   * draws a committee (the provider, the challenger and the requester excluded). Returns the
   * challenge id ({@link MarketEvent.ChallengeOpened} tells the committee).
   */
  BigInteger challenge(
      Assignment committed, int shard, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof);

  /**
   * As a committee member, commits {@code keccak256(abi.encode(challengeId, member, upheld, salt))}
   * before the challenge's commit deadline. Keep the salt: the reveal needs it.
   */
  void commitVote(BigInteger challengeId, boolean upheld, Bytes32 salt);

  /** As a committee member, reveals the committed vote after the commit deadline. */
  void revealVote(BigInteger challengeId, boolean upheld, Bytes32 salt);

  /**
   * Decides a challenge once every member revealed or the reveal deadline passed (anyone may);
   * {@code challenged} is the assignment as recorded (status CHALLENGED). Returns the verdict.
   */
  Challenge.Verdict resolve(BigInteger challengeId, Assignment challenged);

  /** The challenge's record, or empty when no challenge has this id. */
  Optional<Challenge> challengeOf(BigInteger challengeId);

  // ---------------------------------------------------------------- money and events

  /** What {@link #withdraw()} would pay {@code account} now. */
  BigInteger withdrawable(String account);

  /** Pays out everything this account is owed; returns the amount. */
  BigInteger withdraw();

  /** The job's events so far (its challenges' events included), in emission order. */
  List<MarketEvent> events(BigInteger jobId);

  /** The number of the chain's latest block. */
  long latestBlock();

  /**
   * Every market event in blocks {@code fromBlock..toBlock} (inclusive), in chain order, with their
   * block numbers: what a daemon polls to follow the whole market (the committee's events
   * included). Callers bound the range (a node's RPC may refuse wide ones).
   */
  List<BlockEvent> eventsBetween(long fromBlock, long toBlock);
}
