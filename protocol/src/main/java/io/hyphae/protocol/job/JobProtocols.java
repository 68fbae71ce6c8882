package io.hyphae.protocol.job;

import io.hyphae.protocol.p2p.reqresp.MessageCodec;
import io.hyphae.protocol.p2p.reqresp.RequestResponseProtocol;
import io.hyphae.protocol.proto.JobProto;
import java.time.Duration;

/** The job protocols, each declared once with its limits (docs/market-protocol.md). */
public final class JobProtocols {

  /** The largest canonical shard input or output carried in one message. */
  public static final int MAX_SHARD_BYTES = 32 << 20;

  /** Room for the fields around a shard's bytes (ids, hashes, proof, signature). */
  private static final int ENVELOPE_BYTES = 16 << 10;

  /** Requester to provider: a request for a signed bid on a shard range. */
  public static final RequestResponseProtocol<JobProto.BidRequest, JobProto.BidReply> BID =
      new RequestResponseProtocol<>(
          "/hyphae/bid/1.0.0",
          MessageCodec.protobuf(JobProto.BidRequest.parser()),
          MessageCodec.protobuf(JobProto.BidReply.parser()),
          1024,
          1024,
          Duration.ofSeconds(10),
          256);

  /** Provider to requester: fetch one assigned shard's input with its Merkle proof. */
  public static final RequestResponseProtocol<JobProto.InputRequest, JobProto.InputResponse>
      SHARD_INPUT =
          new RequestResponseProtocol<>(
              "/hyphae/shard-input/1.0.0",
              MessageCodec.protobuf(JobProto.InputRequest.parser()),
              MessageCodec.protobuf(JobProto.InputResponse.parser()),
              256,
              MAX_SHARD_BYTES + ENVELOPE_BYTES,
              Duration.ofSeconds(60),
              64);

  /** Provider to requester: one shard's output and signed receipt. */
  public static final RequestResponseProtocol<JobProto.ShardResult, JobProto.ResultAck>
      SHARD_RESULT =
          new RequestResponseProtocol<>(
              "/hyphae/shard-result/1.0.0",
              MessageCodec.protobuf(JobProto.ShardResult.parser()),
              MessageCodec.protobuf(JobProto.ResultAck.parser()),
              MAX_SHARD_BYTES + ENVELOPE_BYTES,
              1024,
              Duration.ofSeconds(60),
              64);

  /** Requester to a provider: re-run rows for a spot check. */
  public static final RequestResponseProtocol<JobProto.VerifyRequest, JobProto.VerifyResponse>
      VERIFY =
          new RequestResponseProtocol<>(
              "/hyphae/verify/1.0.0",
              MessageCodec.protobuf(JobProto.VerifyRequest.parser()),
              MessageCodec.protobuf(JobProto.VerifyResponse.parser()),
              MAX_SHARD_BYTES + ENVELOPE_BYTES,
              MAX_SHARD_BYTES + ENVELOPE_BYTES,
              Duration.ofSeconds(120),
              4);

  /** Challenger to a committee member: the challenged shard's input and the provider's output. */
  public static final RequestResponseProtocol<JobProto.ChallengeEvidence, JobProto.EvidenceAck>
      CHALLENGE_EVIDENCE =
          new RequestResponseProtocol<>(
              "/hyphae/challenge-evidence/1.0.0",
              MessageCodec.protobuf(JobProto.ChallengeEvidence.parser()),
              MessageCodec.protobuf(JobProto.EvidenceAck.parser()),
              2 * MAX_SHARD_BYTES + ENVELOPE_BYTES,
              1024,
              Duration.ofSeconds(60),
              16);

  private JobProtocols() {}
}
