package io.hyphae.node.job;

import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How the job engine talks to a job's requester: fetch a shard's input, deliver a shard's result.
 * Both use an open connection to the requester when there is one, else dial {@code addresses} (then
 * any the requester announced).
 */
public interface RequesterLink {

  CompletableFuture<JobProto.InputResponse> fetchInput(
      PeerId requester, List<Multiaddr> addresses, JobProto.InputRequest request);

  CompletableFuture<JobProto.ResultAck> deliver(
      PeerId requester, List<Multiaddr> addresses, JobProto.ShardResult result);

  /** The addresses the requester announced, to keep with the job for after a restart. */
  List<Multiaddr> knownAddresses(PeerId requester);
}
