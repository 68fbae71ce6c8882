package io.hyphae.node.verify;

import com.google.protobuf.ByteString;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.InferenceEngine;
import io.hyphae.node.inference.InferenceException;
import io.hyphae.node.inference.InferenceOptions;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.job.Capabilities;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves {@code /hyphae/verify/1.0.0}: re-runs the given rows with a model and profile this node
 * serves and answers its own canonical output bytes (the asker compares). At most {@value
 * #MAX_CONCURRENT} at once; more, or a full inference engine, are answered BUSY.
 */
public final class VerifyService {

  public static final int MAX_CONCURRENT = 4;

  private final Capabilities capabilities;
  private final InferenceEngine engine;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT);
  private final AtomicLong served = new AtomicLong();

  public VerifyService(Capabilities capabilities, InferenceEngine engine) {
    this.capabilities = capabilities;
    this.engine = engine;
  }

  public void serve(Host host) {
    new RequestResponse<>(host, JobProtocols.VERIFY).serve(this::handle);
  }

  public long served() {
    return served.get();
  }

  /** Answers one request; never fails the future (problems are refusals). */
  public CompletableFuture<JobProto.VerifyResponse> handle(
      PeerId from, JobProto.VerifyRequest request) {
    Bytes32 model;
    Bytes32 profileHash;
    try {
      model = WireValues.bytes32(request.getModelHash(), "model_hash");
      profileHash = WireValues.bytes32(request.getProfileHash(), "profile_hash");
    } catch (WireValues.WireFormatException e) {
      return done(refusal(Code.INVALID, e.getMessage()));
    }
    if (!capabilities.serves(model)) {
      return done(refusal(Code.UNKNOWN, "this node does not serve model " + model));
    }
    Optional<ExecutionProfile> profile = capabilities.profile(profileHash);
    if (profile.isEmpty()) {
      return done(refusal(Code.UNKNOWN, "this node cannot run profile " + profileHash));
    }
    ShardInput input;
    try {
      input = ShardCodec.decodeInput(request.getInput().toByteArray());
    } catch (CommitmentFormatException e) {
      return done(refusal(Code.INVALID, "input is not a canonical shard input: " + e.getMessage()));
    }
    if (!slots.tryAcquire()) {
      return done(refusal(Code.BUSY, MAX_CONCURRENT + " verifications run already"));
    }
    CompletableFuture<JobProto.VerifyResponse> out;
    try {
      out =
          engine
              .submit(new ShardRequest(model, profile.get(), 0, input, InferenceOptions.DEFAULT))
              .result()
              .handle(
                  (result, failure) -> {
                    if (failure == null) {
                      served.incrementAndGet();
                      return JobProto.VerifyResponse.newBuilder()
                          .setOutput(ByteString.copyFrom(ShardCodec.encodeOutput(result.output())))
                          .build();
                    }
                    InferenceException ie = OnnxInferenceEngine.failure(failure);
                    Code code =
                        switch (ie.reason()) {
                          case BUSY, TIMED_OUT, CANCELLED -> Code.BUSY;
                          case INVALID_INPUT -> Code.INVALID;
                          default -> Code.UNKNOWN;
                        };
                    return refusal(code, ie.getMessage());
                  });
    } catch (RuntimeException e) {
      slots.release();
      return done(refusal(Code.BUSY, "verification failed to start: " + e.getMessage()));
    }
    return out.whenComplete((r, e) -> slots.release());
  }

  private static CompletableFuture<JobProto.VerifyResponse> done(JobProto.VerifyResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static JobProto.VerifyResponse refusal(Code code, String message) {
    return JobProto.VerifyResponse.newBuilder()
        .setRefusal(WireValues.refusal(code, message))
        .build();
  }
}
