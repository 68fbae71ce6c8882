package io.hyphae.wallet;

import com.google.protobuf.ByteString;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.contracts.market.Market;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.contracts.market.SignedBid;
import io.hyphae.contracts.market.Web3jMarket;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.job.BidMessage;
import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.job.ResultMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.wallet.job.JobLedger;
import io.hyphae.wallet.job.Web3jChallengeChain;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * A provider peer for the wallet's tests, playing by the market protocol for real: a libp2p host
 * with the provider's key that answers quotes with EIP-712 signed bids after reading the job from
 * chain, learns its assignments from chain events, fetches and checks each shard's input, computes
 * a deterministic embedding of each row (a hash of the text: the real engine lives in node),
 * delivers results with signed receipts, commits the Merkle root of its result leaves and finalizes
 * after the challenge window. It also answers spot checks with the same function, and sits on
 * challenge committees as an honest member: it takes the challenger's evidence only when it hashes
 * to what {@code ChallengeOpened} recorded, re-runs the shard, commits its vote and reveals it
 * after the commit deadline.
 */
final class TestProvider implements AutoCloseable {

  static final int DIMENSIONS = 8;

  /** How the provider serves its own assignments. */
  enum Behaviour {
    HONEST,
    /** Bids but never serves its assignments (a provider that disappears). */
    SILENT,
    /**
     * Serves wrong outputs, internally consistent: receipts and the committed root are over the
     * wrong output. It still answers spot checks of others honestly.
     */
    WRONG,
    /**
     * Computes its shards and commits their root but delivers no result and never answers a leaf
     * demand (a provider that withholds).
     */
    WITHHOLD
  }

  /** A vote committed and not yet revealed. */
  private record PendingReveal(BigInteger challengeId, boolean upheld, byte[] salt, long after) {}

  private final String name;
  private final Credentials credentials;
  private final Market market;
  private final Eip712 eip712;
  private final BigInteger pricePerShard;
  private volatile Behaviour behaviour;
  private final MarketClient client;
  private final Web3jChallengeChain challenges;
  private final List<PendingReveal> reveals = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<String> evidence = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Libp2pHost host;
  private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

  /** Chain writes of one account go through one thread (one nonce source). */
  private final ScheduledExecutorService chain = Executors.newSingleThreadScheduledExecutor();

  private final Set<BigInteger> watched = ConcurrentHashMap.newKeySet();
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final RequestResponse<JobProto.InputRequest, JobProto.InputResponse> inputs;
  private final RequestResponse<JobProto.ShardResult, JobProto.ResultAck> results;

  TestProvider(
      String name,
      Credentials credentials,
      MarketClient client,
      BigInteger pricePerShard,
      Behaviour behaviour)
      throws Exception {
    this.behaviour = behaviour;
    this.name = name;
    this.credentials = credentials;
    this.client = client;
    this.market = new Web3jMarket(client);
    this.challenges = new Web3jChallengeChain(client);
    this.eip712 = client.eip712();
    this.pricePerShard = pricePerShard;
    Secp256k1PrivKey key =
        Secp256k1PrivKey.fromBytes(
            Numeric.toBytesPadded(credentials.getEcKeyPair().getPrivateKey(), 32));
    host =
        new Libp2pHost(
            HostConfig.defaults(key)
                .withListenAddresses(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")))
                .withIoThreads(1));
    host.start().get(10, TimeUnit.SECONDS);
    new RequestResponse<>(host, JobProtocols.BID)
        .serve((from, request) -> CompletableFuture.supplyAsync(() -> quote(request), work));
    new RequestResponse<>(host, JobProtocols.VERIFY)
        .serve((from, request) -> CompletableFuture.supplyAsync(() -> verify(request), work));
    new RequestResponse<>(host, JobProtocols.CHALLENGE_EVIDENCE)
        .serve((from, request) -> CompletableFuture.supplyAsync(() -> evidence(request), work));
    inputs = new RequestResponse<>(host, JobProtocols.SHARD_INPUT);
    results = new RequestResponse<>(host, JobProtocols.SHARD_RESULT);
    chain.scheduleWithFixedDelay(this::watch, 100, 100, TimeUnit.MILLISECONDS);
  }

  String name() {
    return name;
  }

  String multiaddr() {
    return host.listenAddresses().get(0).withPeerId(host.peerId()).toString();
  }

  PeerId peerId() {
    return host.peerId();
  }

  List<Throwable> failures() {
    return failures;
  }

  /** Changes how it serves assignments from now on. */
  void behave(Behaviour b) {
    this.behaviour = b;
  }

  String account() {
    return credentials.getAddress().toLowerCase(java.util.Locale.ROOT);
  }

  Market market() {
    return market;
  }

  /** "challenge id: upheld|rejected" for each evidence this member accepted and voted on. */
  List<String> evidence() {
    return evidence;
  }

  /** The deterministic "model": 8 floats from keccak256 of the row's text. */
  static float[] embed(String text) {
    byte[] h = Keccak256.hash(text.getBytes(StandardCharsets.UTF_8)).toArray();
    ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) {
      v[i] = (b.getInt() & 0xffff) / 65536f - 0.5f;
    }
    return v;
  }

  static ShardOutput.Embeddings run(ShardInput.Texts input) {
    return new ShardOutput.Embeddings(
        DIMENSIONS, input.rows().stream().map(TestProvider::embed).toList());
  }

  /** What a WRONG provider delivers: the embedding of another text, same shape. */
  static ShardOutput.Embeddings runWrong(ShardInput.Texts input) {
    return new ShardOutput.Embeddings(
        DIMENSIONS, input.rows().stream().map(t -> embed(t + " (wrong)")).toList());
  }

  // ---------------------------------------------------------------- committee member

  private JobProto.EvidenceAck evidence(JobProto.ChallengeEvidence request) {
    try {
      BigInteger id = WireValues.uint256(request.getChallengeId(), "challenge_id");
      var state = challenges.state(id);
      if (state.isEmpty()) {
        return evidenceRefusal(JobProto.Refusal.Code.UNKNOWN, "no challenge " + id + " on chain");
      }
      var c = state.get();
      if (!c.members().contains(account())) {
        return evidenceRefusal(JobProto.Refusal.Code.FORBIDDEN, "not a member of challenge " + id);
      }
      byte[] input = request.getInput().toByteArray();
      byte[] output = request.getOutput().toByteArray();
      if (!ShardLeaves.inputLeaf(c.shard(), Keccak256.hash(input)).equals(c.inputLeaf())
          || !Keccak256.hash(output).equals(c.outputHash())) {
        return evidenceRefusal(
            JobProto.Refusal.Code.INVALID, "the evidence does not hash to the challenge's leaves");
      }
      byte[] mine = ShardCodec.encodeOutput(run((ShardInput.Texts) ShardCodec.decodeInput(input)));
      boolean upheld = !java.util.Arrays.equals(mine, output);
      byte[] salt = new byte[32];
      new java.security.SecureRandom().nextBytes(salt);
      CompletableFuture.runAsync(() -> client.commitVote(id, upheld, salt), chain)
          .get(30, TimeUnit.SECONDS);
      reveals.add(new PendingReveal(id, upheld, salt, c.commitDeadline()));
      evidence.add(id + ": " + (upheld ? "upheld" : "rejected"));
      return JobProto.EvidenceAck.newBuilder()
          .setAccepted(JobProto.Accepted.getDefaultInstance())
          .build();
    } catch (Exception e) {
      failures.add(e);
      return evidenceRefusal(JobProto.Refusal.Code.INVALID, e.toString());
    }
  }

  private static JobProto.EvidenceAck evidenceRefusal(JobProto.Refusal.Code code, String why) {
    return JobProto.EvidenceAck.newBuilder().setRefusal(WireValues.refusal(code, why)).build();
  }

  /** Reveals committed votes once their commit deadline passed (retried while a block lags). */
  private void reveal() {
    for (PendingReveal r : reveals) {
      if (Instant.now().getEpochSecond() <= r.after()) {
        continue;
      }
      try {
        client.revealVote(r.challengeId(), r.upheld(), r.salt());
        reveals.remove(r);
      } catch (RuntimeException e) {
        // RevealNotOpen while the chain's time is at the deadline: the next tick tries again.
      }
    }
  }

  // ---------------------------------------------------------------- bids

  private JobProto.BidReply quote(JobProto.BidRequest request) {
    BigInteger jobId = WireValues.uint256(request.getJobId(), "job_id");
    JobSpec spec =
        market.events(jobId).stream()
            .filter(e -> e instanceof MarketEvent.JobPosted)
            .map(e -> ((MarketEvent.JobPosted) e).spec())
            .findFirst()
            .orElse(null);
    if (spec == null) {
      return refuse(JobProto.Refusal.Code.UNKNOWN, "no such job on chain");
    }
    if (pricePerShard.compareTo(spec.maxPricePerShard()) > 0) {
      return refuse(JobProto.Refusal.Code.INVALID, "my price is above the job's maximum");
    }
    int count = request.getShardCount();
    BigInteger collateral = pricePerShard.multiply(BigInteger.valueOf(count));
    Bid bid =
        new Bid(
            jobId,
            credentials.getAddress(),
            request.getFirstShard(),
            count,
            request.getReplica(),
            pricePerShard,
            collateral,
            Instant.now().getEpochSecond() + 600);
    SignedBid signed = market.signBid(bid);
    watched.add(jobId);
    BidMessage message =
        new BidMessage(
            jobId,
            bid.provider(),
            bid.firstShard(),
            bid.shardCount(),
            bid.replica(),
            bid.pricePerShard(),
            bid.collateral(),
            bid.expiry(),
            signed.signature());
    return JobProto.BidReply.newBuilder().setOffer(message.toProto()).build();
  }

  private static JobProto.BidReply refuse(JobProto.Refusal.Code code, String why) {
    return JobProto.BidReply.newBuilder().setRefusal(WireValues.refusal(code, why)).build();
  }

  private JobProto.VerifyResponse verify(JobProto.VerifyRequest request) {
    try {
      ShardInput in = ShardCodec.decodeInput(request.getInput().toByteArray());
      byte[] out = ShardCodec.encodeOutput(run((ShardInput.Texts) in));
      return JobProto.VerifyResponse.newBuilder().setOutput(ByteString.copyFrom(out)).build();
    } catch (Exception e) {
      return JobProto.VerifyResponse.newBuilder()
          .setRefusal(WireValues.refusal(JobProto.Refusal.Code.INVALID, e.toString()))
          .build();
    }
  }

  // ---------------------------------------------------------------- assignments

  /** Polls the jobs it bid on: serves new assignments, finalizes committed ones when due. */
  private void watch() {
    reveal();
    for (BigInteger jobId : watched) {
      try {
        List<MarketEvent> events = market.events(jobId);
        JobSpec spec = null;
        Map<Integer, Assignment> mine = new TreeMap<>();
        for (MarketEvent e : events) {
          if (e instanceof MarketEvent.JobPosted p) {
            spec = p.spec();
          }
        }
        JobLedger ledger = JobLedger.of(jobId, events).withChallenges(challenges.ofJob(jobId));
        for (Assignment a : ledger.assignments()) {
          if (a.provider().equalsIgnoreCase(credentials.getAddress())) {
            mine.put(a.index(), a);
          }
        }
        for (Assignment a : mine.values()) {
          String key = jobId + "/" + a.index();
          if (a.status() == Assignment.Status.ASSIGNED
              && behaviour != Behaviour.SILENT
              && handled.add(key)) {
            serve(spec, a);
          } else if (a.status() == Assignment.Status.COMMITTED
              && Instant.now().getEpochSecond() > a.challengeDeadline()
              && handled.add(key + "/final")) {
            try {
              market.finalizeAssignment(a);
            } catch (RuntimeException e) {
              // The requester may have finalized it first; it is final either way.
              handled.remove(key + "/final");
            }
          }
        }
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
  }

  private void serve(JobSpec spec, Assignment a) {
    try {
      PeerId requester = PeerId.fromBytes(spec.requesterPeerId());
      Map<Long, Bytes32> leaves = new TreeMap<>();
      for (int shard = a.firstShard(); shard < a.firstShard() + a.shardCount(); shard++) {
        JobProto.InputResponse response =
            inputs
                .request(
                    requester,
                    JobProto.InputRequest.newBuilder()
                        .setJobId(WireValues.uint256(a.jobId()))
                        .setShard(shard)
                        .build())
                .get(30, TimeUnit.SECONDS);
        if (!response.hasShard()) {
          throw new IllegalStateException("input refused: " + response.getRefusal());
        }
        byte[] inputBytes = response.getShard().getInput().toByteArray();
        Bytes32 inputLeaf = ShardLeaves.inputLeaf(shard, Keccak256.hash(inputBytes));
        List<Bytes32> proof = new ArrayList<>();
        response.getShard().getProofList().forEach(p -> proof.add(WireValues.bytes32(p, "proof")));
        if (!MerkleTree.verify(proof, Bytes32.wrap(spec.inputRoot().toArray()), inputLeaf)) {
          throw new IllegalStateException("input of shard " + shard + " fails its proof");
        }
        ShardInput.Texts texts = (ShardInput.Texts) ShardCodec.decodeInput(inputBytes);
        byte[] output =
            ShardCodec.encodeOutput(behaviour == Behaviour.WRONG ? runWrong(texts) : run(texts));
        Bytes32 outputHash = Keccak256.hash(output);
        Bytes32 profile = Bytes32.wrap(spec.profileHash().toArray());
        byte[] signature =
            Eip712.sign(
                eip712.receiptDigest(
                    new Eip712.ShardReceipt(
                        a.jobId(),
                        shard,
                        inputLeaf.toArray(),
                        outputHash.toArray(),
                        profile.toArray(),
                        credentials.getAddress())),
                credentials);
        ResultMessage result =
            new ResultMessage(
                a.jobId(),
                shard,
                output,
                inputLeaf,
                outputHash,
                profile,
                credentials.getAddress(),
                signature);
        if (behaviour != Behaviour.WITHHOLD) {
          JobProto.ResultAck ack =
              results.request(requester, result.toProto()).get(30, TimeUnit.SECONDS);
          if (!ack.hasAccepted()) {
            throw new IllegalStateException("result refused: " + ack.getRefusal());
          }
        }
        leaves.put((long) shard, result.resultLeaf());
      }
      market.commit(
          a,
          io.hyphae.contracts.market.Bytes32.of(ShardLeaves.resultTree(leaves).root().toArray()));
    } catch (Exception e) {
      failures.add(e);
    }
  }

  @Override
  public void close() {
    chain.shutdownNow();
    try {
      chain.awaitTermination(10, TimeUnit.SECONDS);
      host.stop().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      failures.add(e);
    }
    work.shutdownNow();
  }
}
