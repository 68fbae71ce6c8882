package io.hyphae.wallet.job;

import com.google.protobuf.ByteString;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.job.ResultMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.proto.JobProto;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requester's side of one job while it runs: which shard inputs to give to whom and which
 * results to accept (docs/market-protocol.md "Who may ask what"). Thread-safe: the network threads
 * call {@link #input} and {@link #result} while the command thread reads the results.
 */
public final class RequesterSession {

  private final BigInteger jobId;
  private final Bytes32 profileHash;
  private final Eip712 eip712;
  private final List<ShardInput> shards;
  private final List<byte[]> encodedInputs;
  private final MerkleTree inputTree;
  private final Runnable onChange;
  private volatile List<Assignment> assignments = List.of();

  /** Accepted results by assignment index, then shard. */
  private final Map<Integer, Map<Integer, AcceptedResult>> results = new ConcurrentHashMap<>();

  public RequesterSession(
      BigInteger jobId,
      Bytes32 profileHash,
      Eip712 eip712,
      List<ShardInput> shards,
      Runnable onChange) {
    this.jobId = jobId;
    this.profileHash = profileHash;
    this.eip712 = eip712;
    this.shards = List.copyOf(shards);
    this.encodedInputs = this.shards.stream().map(ShardCodec::encodeInput).toList();
    this.inputTree = ShardLeaves.inputTree(this.shards);
    this.onChange = onChange;
  }

  public BigInteger jobId() {
    return jobId;
  }

  public MerkleTree inputTree() {
    return inputTree;
  }

  public List<ShardInput> shards() {
    return shards;
  }

  /** The assignments made on chain; until then no provider gets an input. */
  public void assigned(List<Assignment> made) {
    this.assignments = List.copyOf(made);
    onChange.run();
  }

  public List<Assignment> assignments() {
    return assignments;
  }

  /** The accepted results of assignment {@code index}, by shard. */
  public Map<Integer, AcceptedResult> results(int index) {
    return new TreeMap<>(results.getOrDefault(index, Map.of()));
  }

  /** How many shards (over all assignments) have an accepted result. */
  public int delivered() {
    return results.values().stream().mapToInt(Map::size).sum();
  }

  /**
   * The Merkle root of the result leaves received for {@code a}, when every shard was delivered.
   */
  public Optional<Bytes32> resultRoot(Assignment a) {
    Map<Integer, AcceptedResult> got = results(a.index());
    if (got.size() != a.shardCount()) {
      return Optional.empty();
    }
    Map<Long, Bytes32> leaves = new TreeMap<>();
    got.forEach((shard, r) -> leaves.put((long) shard, r.resultLeaf()));
    return Optional.of(ShardLeaves.resultTree(leaves).root());
  }

  /** The shards of {@code a} with no accepted result. */
  public List<Integer> missing(Assignment a) {
    Map<Integer, AcceptedResult> got = results(a.index());
    List<Integer> out = new ArrayList<>();
    for (int s = a.firstShard(); s < a.firstShard() + a.shardCount(); s++) {
      if (!got.containsKey(s)) {
        out.add(s);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- /hyphae/shard-input

  /** Answers a provider's input request: only the provider assigned the shard gets it. */
  public JobProto.InputResponse input(String fromAccount, JobProto.InputRequest request) {
    BigInteger asked;
    try {
      asked = WireValues.uint256(request.getJobId(), "job_id");
    } catch (WireValues.WireFormatException e) {
      return inputRefusal(JobProto.Refusal.Code.INVALID, e.getMessage());
    }
    if (!asked.equals(jobId)) {
      return inputRefusal(JobProto.Refusal.Code.UNKNOWN, "unknown job " + asked);
    }
    int shard = request.getShard();
    if (shard < 0 || shard >= shards.size()) {
      return inputRefusal(JobProto.Refusal.Code.INVALID, "the job has no shard " + shard);
    }
    if (assignmentFor(fromAccount, shard, false).isEmpty()) {
      return inputRefusal(
          JobProto.Refusal.Code.FORBIDDEN, "shard " + shard + " is not assigned to " + fromAccount);
    }
    JobProto.ShardData.Builder data =
        JobProto.ShardData.newBuilder().setInput(ByteString.copyFrom(encodedInputs.get(shard)));
    for (Bytes32 sibling : inputTree.proof(shard)) {
      data.addProof(WireValues.bytes32(sibling));
    }
    return JobProto.InputResponse.newBuilder().setShard(data).build();
  }

  private static JobProto.InputResponse inputRefusal(JobProto.Refusal.Code code, String why) {
    return JobProto.InputResponse.newBuilder().setRefusal(WireValues.refusal(code, why)).build();
  }

  // ---------------------------------------------------------------- /hyphae/shard-result

  /** Checks and keeps a delivered result (see the class comment for the rules). */
  public JobProto.ResultAck result(String fromAccount, JobProto.ShardResult wire) {
    ResultMessage message;
    try {
      message = ResultMessage.fromProto(wire);
    } catch (IllegalArgumentException e) {
      return refusal(JobProto.Refusal.Code.INVALID, e.getMessage());
    }
    Optional<String> problem = Optional.empty();
    JobProto.Refusal.Code code = JobProto.Refusal.Code.INVALID;
    AcceptedResult accepted = null;
    String from = fromAccount.toLowerCase(Locale.ROOT);
    if (!message.jobId().equals(jobId)) {
      code = JobProto.Refusal.Code.UNKNOWN;
      problem = Optional.of("unknown job " + message.jobId());
    } else if (!message.provider().equals(from)) {
      problem = Optional.of("the receipt names " + message.provider() + ", not the sender " + from);
    } else if (message.shard() >= shards.size()) {
      problem = Optional.of("the job has no shard " + message.shard());
    } else {
      Optional<Assignment> a = assignmentFor(from, message.shard(), true);
      if (a.isEmpty()) {
        code = JobProto.Refusal.Code.FORBIDDEN;
        problem = Optional.of("shard " + message.shard() + " is not assigned to " + from);
      } else {
        Verdict verdict = check(a.get(), message);
        problem = Optional.ofNullable(verdict.problem());
        accepted = verdict.accepted();
      }
    }
    if (problem.isPresent()) {
      return refusal(code, problem.get());
    }
    AcceptedResult kept =
        results
            .computeIfAbsent(accepted.assignmentIndex(), k -> new ConcurrentHashMap<>())
            .putIfAbsent(accepted.shard(), accepted);
    if (kept != null && !kept.outputHash().equals(accepted.outputHash())) {
      return refusal(
          JobProto.Refusal.Code.INVALID,
          "a different result of shard " + accepted.shard() + " was accepted before");
    }
    if (kept == null) {
      onChange.run();
    }
    return JobProto.ResultAck.newBuilder()
        .setAccepted(JobProto.Accepted.getDefaultInstance())
        .build();
  }

  /** An accepted result, or what is wrong with it. */
  private record Verdict(AcceptedResult accepted, String problem) {
    static Verdict refused(String problem) {
      return new Verdict(null, problem);
    }
  }

  private Verdict check(Assignment a, ResultMessage m) {
    Bytes32 expectedLeaf = inputTree.leaf(m.shard());
    if (!m.inputLeaf().equals(expectedLeaf)) {
      return Verdict.refused("input leaf of shard " + m.shard() + " is not the job's");
    }
    if (!m.profileHash().equals(profileHash)) {
      return Verdict.refused("profile hash is not the job's");
    }
    Eip712.ShardReceipt receipt =
        new Eip712.ShardReceipt(
            jobId,
            m.shard(),
            m.inputLeaf().toArray(),
            m.outputHash().toArray(),
            m.profileHash().toArray(),
            m.provider());
    try {
      String signer = Eip712.recover(eip712.receiptDigest(receipt), m.receiptSignature());
      if (!signer.equalsIgnoreCase(a.provider())) {
        return Verdict.refused(
            "receipt signature is by " + signer + ", not by the assigned provider");
      }
    } catch (SignatureException e) {
      return Verdict.refused("receipt signature is invalid: " + e.getMessage());
    }
    ShardOutput output;
    try {
      output = ShardCodec.decodeOutput(m.output());
    } catch (CommitmentFormatException e) {
      return Verdict.refused("output is not canonical: " + e.getMessage());
    }
    if (!(output instanceof ShardOutput.Embeddings embeddings)) {
      return Verdict.refused("output is not embeddings");
    }
    if (embeddings.rowCount() != shards.get(m.shard()).rowCount()) {
      return Verdict.refused(
          "output has "
              + embeddings.rowCount()
              + " rows, the shard "
              + shards.get(m.shard()).rowCount());
    }
    return new Verdict(
        new AcceptedResult(
            a.index(),
            m.shard(),
            a.provider(),
            embeddings,
            m.inputLeaf(),
            m.outputHash(),
            m.resultLeaf(),
            m.receiptSignature()),
        null);
  }

  private Optional<Assignment> assignmentFor(String account, int shard, boolean preferUndelivered) {
    String who = account.toLowerCase(Locale.ROOT);
    List<Assignment> matching =
        assignments.stream().filter(a -> a.provider().equals(who) && a.covers(shard)).toList();
    if (preferUndelivered) {
      for (Assignment a : matching) {
        if (!results.getOrDefault(a.index(), Map.of()).containsKey(shard)) {
          return Optional.of(a);
        }
      }
    }
    return matching.stream().findFirst();
  }

  private static JobProto.ResultAck refusal(JobProto.Refusal.Code code, String why) {
    return JobProto.ResultAck.newBuilder().setRefusal(WireValues.refusal(code, why)).build();
  }
}
