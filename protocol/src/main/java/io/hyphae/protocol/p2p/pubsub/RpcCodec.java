package io.hyphae.protocol.p2p.pubsub;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.p2p.overlay.VarintFrames;
import io.hyphae.protocol.proto.PubsubProto;

/**
 * Pure codec between a varint-length-prefixed frame and a pubsub RPC, with the limits checked on
 * decode so a peer cannot make us hold more than one frame's worth of state.
 */
public final class RpcCodec {
  private final RpcLimits limits;

  public RpcCodec(RpcLimits limits) {
    this.limits = limits;
  }

  public RpcLimits limits() {
    return limits;
  }

  /** Encodes an RPC as one length-prefixed frame. */
  public byte[] encodeFrame(PubsubProto.RPC rpc) {
    return VarintFrames.encode(rpc.toByteArray(), limits.maxFrameBytes());
  }

  /** Decodes one whole frame (length prefix included). */
  public PubsubProto.RPC decodeFrame(byte[] frame) throws FrameException {
    return decode(VarintFrames.decodeExactly(frame, limits.maxFrameBytes()));
  }

  /** Decodes an RPC body (no length prefix) and checks every limit. */
  public PubsubProto.RPC decode(byte[] body) throws FrameException {
    if (body.length > limits.maxFrameBytes()) {
      throw new FrameException(FrameException.Reason.OVERSIZED, "RPC exceeds frame limit");
    }
    PubsubProto.RPC rpc;
    try {
      rpc = PubsubProto.RPC.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new FrameException(FrameException.Reason.MALFORMED, "malformed RPC: " + e.getMessage());
    }
    check(rpc.getSubscriptionsCount() <= limits.maxSubscriptions(), "subscriptions");
    check(rpc.getPublishCount() <= limits.maxMessages(), "messages");
    for (PubsubProto.RPC.SubOpts s : rpc.getSubscriptionsList()) {
      check(s.getTopicid().length() <= limits.maxTopicLength(), "topic length");
    }
    for (PubsubProto.Message m : rpc.getPublishList()) {
      check(m.getData().size() <= limits.maxDataBytes(), "message data size");
      check(m.getTopic().length() <= limits.maxTopicLength(), "topic length");
    }
    if (rpc.hasControl()) {
      PubsubProto.ControlMessage c = rpc.getControl();
      int entries =
          c.getIhaveCount()
              + c.getIwantCount()
              + c.getGraftCount()
              + c.getPruneCount()
              + c.getIdontwantCount();
      check(entries <= limits.maxControlEntries(), "control entries");
      int ihave = 0;
      for (PubsubProto.ControlIHave h : c.getIhaveList()) {
        ihave += h.getMessageIDsCount();
        checkIds(h.getMessageIDsList());
      }
      check(ihave <= limits.maxIHaveIds(), "IHAVE message ids");
      int iwant = 0;
      for (PubsubProto.ControlIWant w : c.getIwantList()) {
        iwant += w.getMessageIDsCount();
        checkIds(w.getMessageIDsList());
      }
      check(iwant <= limits.maxIWantIds(), "IWANT message ids");
      int dontWant = 0;
      for (PubsubProto.ControlIDontWant w : c.getIdontwantList()) {
        dontWant += w.getMessageIDsCount();
        checkIds(w.getMessageIDsList());
      }
      check(dontWant <= limits.maxIDontWantIds(), "IDONTWANT message ids");
      for (PubsubProto.ControlPrune p : c.getPruneList()) {
        check(p.getPeersCount() <= limits.maxPeerInfos(), "PRUNE peer infos");
      }
    }
    return rpc;
  }

  private void checkIds(java.util.List<com.google.protobuf.ByteString> ids) throws FrameException {
    for (com.google.protobuf.ByteString id : ids) {
      check(id.size() <= limits.maxMessageIdLength(), "message id length");
    }
  }

  private static void check(boolean ok, String what) throws FrameException {
    if (!ok) {
      throw new FrameException(FrameException.Reason.LIMIT_EXCEEDED, "RPC exceeds limit: " + what);
    }
  }
}
