package io.hyphae.node.job;

import io.hyphae.node.p2p.P2pService;
import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.JobProto;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link RequesterLink} over the node's libp2p host. */
public final class Libp2pRequesterLink implements RequesterLink {

  private final P2pService p2p;
  private final RequestResponse<JobProto.InputRequest, JobProto.InputResponse> inputs;
  private final RequestResponse<JobProto.ShardResult, JobProto.ResultAck> results;

  public Libp2pRequesterLink(P2pService p2p) {
    this.p2p = p2p;
    this.inputs = new RequestResponse<>(p2p.host(), JobProtocols.SHARD_INPUT);
    this.results = new RequestResponse<>(p2p.host(), JobProtocols.SHARD_RESULT);
  }

  @Override
  public CompletableFuture<JobProto.InputResponse> fetchInput(
      PeerId requester, List<Multiaddr> addresses, JobProto.InputRequest request) {
    return p2p.connect(requester, addresses).thenCompose(c -> inputs.request(c, request));
  }

  @Override
  public CompletableFuture<JobProto.ResultAck> deliver(
      PeerId requester, List<Multiaddr> addresses, JobProto.ShardResult result) {
    return p2p.connect(requester, addresses).thenCompose(c -> results.request(c, result));
  }

  @Override
  public List<Multiaddr> knownAddresses(PeerId requester) {
    return p2p.knownAddresses(requester);
  }
}
