package io.hyphae.wallet.job;

import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.job.BidMessage;
import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The requester's libp2p host for one job: dials the providers, asks them for quotes and spot
 * checks, and serves {@code /hyphae/shard-input} and {@code /hyphae/shard-result} from a {@link
 * RequesterSession}. Checks run off the network threads (signature recovery and output decoding are
 * CPU work).
 */
public final class RequesterPeer implements AutoCloseable, QuoteSource, EvidenceSender {

  private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

  private final Libp2pHost host;
  private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
  private final RequestResponse<JobProto.BidRequest, JobProto.BidReply> bids;
  private final RequestResponse<JobProto.VerifyRequest, JobProto.VerifyResponse> verify;
  private final RequestResponse<JobProto.ChallengeEvidence, JobProto.EvidenceAck> evidence;

  private RequesterPeer(Libp2pHost host) {
    this.host = host;
    this.bids = new RequestResponse<>(host, JobProtocols.BID);
    this.verify = new RequestResponse<>(host, JobProtocols.VERIFY);
    this.evidence = new RequestResponse<>(host, JobProtocols.CHALLENGE_EVIDENCE);
  }

  /** Starts a host on 127.0.0.1 (any free port) with the requester's key. */
  public static RequesterPeer start(PrivKey key) throws Exception {
    HostConfig config =
        HostConfig.defaults(key)
            .withListenAddresses(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")))
            .withIoThreads(1);
    Libp2pHost host = new Libp2pHost(config);
    host.start().get(10, TimeUnit.SECONDS);
    return new RequesterPeer(host);
  }

  public PeerId peerId() {
    return host.peerId();
  }

  /** Serves the job's inputs and takes its results. */
  public void serve(RequesterSession session) {
    new RequestResponse<>(host, JobProtocols.SHARD_INPUT)
        .serve(
            (from, request) ->
                CompletableFuture.supplyAsync(() -> session.input(account(from), request), work));
    new RequestResponse<>(host, JobProtocols.SHARD_RESULT)
        .serve(
            (from, request) ->
                CompletableFuture.supplyAsync(() -> session.result(account(from), request), work));
  }

  private static String account(PeerId peer) {
    // A peer without a secp256k1 key has no account: no assignment can match it.
    return ProviderRef.accountOf(peer).orElse("0x");
  }

  /**
   * Dials every provider at once and returns without waiting, so the handshakes overlap the
   * caller's own work; {@link Dialing#reachable} collects them.
   */
  public Dialing startDialing(List<ProviderRef> providers) {
    List<CompletableFuture<?>> dials = new ArrayList<>();
    for (ProviderRef p : providers) {
      dials.add(host.dial(p.address()).orTimeout(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
    return new Dialing(List.copyOf(providers), List.copyOf(dials));
  }

  /** Dials under way, from {@link #startDialing}. */
  public static final class Dialing {
    private final List<ProviderRef> providers;
    private final List<CompletableFuture<?>> dials;

    private Dialing(List<ProviderRef> providers, List<CompletableFuture<?>> dials) {
      this.providers = providers;
      this.dials = dials;
    }

    /** Waits for every dial; returns the providers reached, and the failures in {@code why}. */
    public List<ProviderRef> reachable(List<String> why) {
      List<ProviderRef> reachable = new ArrayList<>();
      for (int i = 0; i < providers.size(); i++) {
        try {
          dials.get(i).get(DIAL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
          reachable.add(providers.get(i));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          why.add(providers.get(i) + " at " + providers.get(i).address() + ": interrupted");
        } catch (Exception e) {
          why.add(providers.get(i) + " at " + providers.get(i).address() + ": " + cause(e));
        }
      }
      return reachable;
    }
  }

  @Override
  public CompletableFuture<Quote> quote(
      ProviderRef provider, BigInteger jobId, ShardRange range, int replica) {
    JobProto.BidRequest request =
        JobProto.BidRequest.newBuilder()
            .setJobId(WireValues.uint256(jobId))
            .setFirstShard(range.firstShard())
            .setShardCount(range.shardCount())
            .setReplica(replica)
            .build();
    return bids.request(provider.peerId(), request)
        .<Quote>thenApply(
            reply ->
                switch (reply.getResultCase()) {
                  case OFFER -> {
                    try {
                      yield new Quote.Offer(BidMessage.fromProto(reply.getOffer()));
                    } catch (IllegalArgumentException e) {
                      yield new Quote.Refused("malformed bid: " + e.getMessage());
                    }
                  }
                  case REFUSAL ->
                      new Quote.Refused(
                          "refused ("
                              + reply.getRefusal().getCode()
                              + "): "
                              + reply.getRefusal().getMessage());
                  default -> new Quote.Refused("empty answer");
                })
        .exceptionally(e -> new Quote.Refused(cause(e)));
  }

  /** A verifier's own output for {@code rows}, or a failed future saying why there is none. */
  public CompletableFuture<ShardOutput.Embeddings> rerun(
      ProviderRef verifier, Bytes32 modelHash, Bytes32 profileHash, ShardInput rows) {
    JobProto.VerifyRequest request =
        JobProto.VerifyRequest.newBuilder()
            .setModelHash(WireValues.bytes32(modelHash))
            .setProfileHash(WireValues.bytes32(profileHash))
            .setInput(com.google.protobuf.ByteString.copyFrom(ShardCodec.encodeInput(rows)))
            .build();
    return verify
        .request(verifier.peerId(), request)
        .thenApplyAsync(
            reply -> {
              if (reply.hasRefusal()) {
                throw new IllegalStateException(
                    "refused ("
                        + reply.getRefusal().getCode()
                        + "): "
                        + reply.getRefusal().getMessage());
              }
              try {
                ShardOutput out = ShardCodec.decodeOutput(reply.getOutput().toByteArray());
                if (out instanceof ShardOutput.Embeddings e && e.rowCount() == rows.rowCount()) {
                  return e;
                }
                throw new IllegalStateException("answer is not one embedding per row");
              } catch (CommitmentFormatException e) {
                throw new IllegalStateException("answer is not canonical: " + e.getMessage(), e);
              }
            },
            work);
  }

  @Override
  public CompletableFuture<java.util.Optional<String>> send(
      ProviderRef member, BigInteger challengeId, byte[] input, byte[] output) {
    JobProto.ChallengeEvidence request =
        JobProto.ChallengeEvidence.newBuilder()
            .setChallengeId(WireValues.uint256(challengeId))
            .setInput(com.google.protobuf.ByteString.copyFrom(input))
            .setOutput(com.google.protobuf.ByteString.copyFrom(output))
            .build();
    return host.dial(member.address())
        .orTimeout(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(connection -> evidence.request(connection, request))
        .thenApply(
            ack ->
                ack.hasAccepted()
                    ? java.util.Optional.<String>empty()
                    : java.util.Optional.of(
                        "refused ("
                            + ack.getRefusal().getCode()
                            + "): "
                            + ack.getRefusal().getMessage()));
  }

  static String cause(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return "timed out";
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  @Override
  public void close() {
    try {
      host.stop().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    work.shutdownNow();
  }
}
