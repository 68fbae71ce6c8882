package io.hyphae.node.job;

import com.google.protobuf.ByteString;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.SignedBid;
import io.hyphae.node.p2p.NodeIdentity;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.job.BidMessage;
import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.job.ResultMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.web3j.crypto.Credentials;

/**
 * A requester for node tests: its own libp2p host (the account's key), a market view, and the
 * requester's side of the job protocols. It posts jobs, asks a node for quotes, assigns, serves
 * shard inputs only to the assigned provider (with Merkle proofs) and checks each result it
 * receives: the receipt signature must recover the provider, the input leaf and profile must be the
 * job's. Inputs can be withheld (answered BUSY) to hold a node before delivery.
 */
public final class TestRequester implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicLong SALT = new AtomicLong(System.nanoTime());

  /** A posted job and what the requester received for it. */
  public static final class Job {
    public final BigInteger jobId;
    public final JobSpec spec;
    public final List<ShardInput> shards;
    final MerkleTree tree;
    volatile List<Assignment> assignments = List.of();
    public final Map<Integer, CompletableFuture<ResultMessage>> results = new ConcurrentHashMap<>();

    Job(BigInteger jobId, JobSpec spec, List<ShardInput> shards, MerkleTree tree) {
      this.jobId = jobId;
      this.spec = spec;
      this.shards = shards;
      this.tree = tree;
      for (int i = 0; i < shards.size(); i++) {
        results.put(i, new CompletableFuture<>());
      }
    }

    public ResultMessage result(int shard) throws Exception {
      return results.get(shard).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public final Libp2pHost host;
  public final Market market;
  private final Eip712 domain;
  private final Map<BigInteger, Job> jobs = new ConcurrentHashMap<>();
  public volatile boolean serveInputs = true;
  public final AtomicInteger inputRequests = new AtomicInteger();
  public final List<String> rejections = java.util.Collections.synchronizedList(new ArrayList<>());

  public TestRequester(Credentials credentials, Market market, Eip712 domain) throws Exception {
    this.market = market;
    this.domain = domain;
    this.host = new Libp2pHost(HostConfig.defaults(NodeIdentity.of(credentials).p2pKey()));
    host.start().get(30, TimeUnit.SECONDS);
    new RequestResponse<>(host, JobProtocols.SHARD_INPUT).serve(this::input);
    new RequestResponse<>(host, JobProtocols.SHARD_RESULT).serve(this::result);
  }

  /** Splits {@code rows} into {@code shardCount} contiguous shards and posts the job. */
  public Job post(
      List<String> rows,
      int shardCount,
      io.hyphae.contracts.market.Bytes32 model,
      io.hyphae.contracts.market.Bytes32 profile,
      BigInteger maxPrice,
      long commitSeconds,
      long challengeWindow) {
    List<ShardInput> shards = new ArrayList<>();
    int base = rows.size() / shardCount;
    int extra = rows.size() % shardCount;
    int at = 0;
    for (int i = 0; i < shardCount; i++) {
      int n = base + (i < extra ? 1 : 0);
      shards.add(new ShardInput.Texts(at, rows.subList(at, at + n)));
      at += n;
    }
    MerkleTree tree = ShardLeaves.inputTree(shards);
    JobSpec spec =
        new JobSpec(
            model,
            profile,
            Capabilities.toMarket(tree.root()),
            shardCount,
            1,
            maxPrice,
            market.now() + commitSeconds,
            challengeWindow,
            SALT.incrementAndGet(),
            host.peerId().toBytes());
    BigInteger jobId = market.postJob(spec);
    Job job = new Job(jobId, spec, shards, tree);
    jobs.put(jobId, job);
    return job;
  }

  /** Connects to a node. */
  public Connection connect(String multiaddr) throws Exception {
    return host.dial(Multiaddr.parse(multiaddr)).get(30, TimeUnit.SECONDS);
  }

  /** Asks the node for a bid on shards {@code first..first+count-1}. */
  public JobProto.BidReply quote(Connection node, Job job, int first, int count) throws Exception {
    return new RequestResponse<>(host, JobProtocols.BID)
        .request(
            node,
            JobProto.BidRequest.newBuilder()
                .setJobId(WireValues.uint256(job.jobId))
                .setFirstShard(first)
                .setShardCount(count)
                .build())
        .get(30, TimeUnit.SECONDS);
  }

  public static SignedBid signedBid(JobProto.BidReply reply) {
    BidMessage m = BidMessage.fromProto(reply.getOffer());
    return new SignedBid(
        new Bid(
            m.jobId(),
            m.provider(),
            m.firstShard(),
            m.shardCount(),
            m.replica(),
            m.pricePerShard(),
            m.collateral(),
            m.expiry()),
        m.signature());
  }

  public List<Assignment> assign(Job job, List<SignedBid> bids) {
    List<Assignment> assigned = market.assign(job.spec, bids);
    job.assignments = assigned;
    return assigned;
  }

  private Assignment assignmentOf(Job job, int shard) {
    for (Assignment a : job.assignments) {
      if (a.covers(shard)) {
        return a;
      }
    }
    return null;
  }

  private CompletableFuture<JobProto.InputResponse> input(
      PeerId from, JobProto.InputRequest request) {
    inputRequests.incrementAndGet();
    Job job = jobs.get(WireValues.uint256(request.getJobId(), "job_id"));
    if (job == null) {
      return CompletableFuture.completedFuture(inputRefusal(Code.UNKNOWN, "unknown job"));
    }
    int shard = request.getShard();
    Assignment a = assignmentOf(job, shard);
    String asker = NodeIdentity.accountOf(from).orElse("none");
    if (a == null || !a.provider().equals(asker)) {
      return CompletableFuture.completedFuture(
          inputRefusal(Code.FORBIDDEN, asker + " is not assigned shard " + shard));
    }
    if (!serveInputs) {
      return CompletableFuture.completedFuture(inputRefusal(Code.BUSY, "inputs withheld"));
    }
    JobProto.ShardData.Builder data =
        JobProto.ShardData.newBuilder()
            .setInput(ByteString.copyFrom(ShardCodec.encodeInput(job.shards.get(shard))));
    for (Bytes32 p : job.tree.proof(shard)) {
      data.addProof(WireValues.bytes32(p));
    }
    return CompletableFuture.completedFuture(
        JobProto.InputResponse.newBuilder().setShard(data).build());
  }

  private static JobProto.InputResponse inputRefusal(Code code, String message) {
    return JobProto.InputResponse.newBuilder()
        .setRefusal(WireValues.refusal(code, message))
        .build();
  }

  private CompletableFuture<JobProto.ResultAck> result(PeerId from, JobProto.ShardResult proto) {
    ResultMessage m;
    try {
      m = ResultMessage.fromProto(proto);
    } catch (IllegalArgumentException e) {
      return reject(e.getMessage());
    }
    Job job = jobs.get(m.jobId());
    if (job == null || m.shard() >= job.shards.size()) {
      return reject("unknown job or shard");
    }
    Assignment a = assignmentOf(job, m.shard());
    String sender = NodeIdentity.accountOf(from).orElse("none");
    if (a == null || !a.provider().equals(sender) || !m.provider().equals(sender)) {
      return reject("not the assigned provider");
    }
    if (!m.inputLeaf().equals(job.tree.leaf(m.shard()))) {
      return reject("wrong input leaf");
    }
    if (!m.profileHash().equals(Capabilities.of(job.spec.profileHash()))) {
      return reject("wrong profile");
    }
    try {
      byte[] digest =
          domain.receiptDigest(
              new Eip712.ShardReceipt(
                  m.jobId(),
                  m.shard(),
                  m.inputLeaf().toArray(),
                  m.outputHash().toArray(),
                  m.profileHash().toArray(),
                  m.provider()));
      if (!Eip712.recover(digest, m.receiptSignature()).equalsIgnoreCase(sender)) {
        return reject("receipt signature does not recover the provider");
      }
    } catch (java.security.SignatureException e) {
      return reject("bad receipt signature: " + e.getMessage());
    }
    job.results.get(m.shard()).complete(m);
    return CompletableFuture.completedFuture(
        JobProto.ResultAck.newBuilder()
            .setAccepted(JobProto.Accepted.getDefaultInstance())
            .build());
  }

  private CompletableFuture<JobProto.ResultAck> reject(String why) {
    rejections.add(why);
    return CompletableFuture.completedFuture(
        JobProto.ResultAck.newBuilder().setRefusal(WireValues.refusal(Code.INVALID, why)).build());
  }

  @Override
  public void close() {
    try {
      host.stop().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("stopping the requester's host failed", e);
    }
  }
}
