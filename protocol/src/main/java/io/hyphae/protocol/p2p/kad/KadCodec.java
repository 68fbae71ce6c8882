package io.hyphae.protocol.p2p.kad;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hyphae.protocol.p2p.overlay.FrameException;
import io.hyphae.protocol.p2p.overlay.VarintFrames;
import io.hyphae.protocol.proto.KadProto;

/** Pure codec between a length-prefixed frame and a DHT message, with limits checked. */
public final class KadCodec {
  private final KadLimits limits;

  public KadCodec(KadLimits limits) {
    this.limits = limits;
  }

  public byte[] encodeFrame(KadProto.Message message) {
    return VarintFrames.encode(message.toByteArray(), limits.maxFrameBytes());
  }

  public KadProto.Message decodeFrame(byte[] frame) throws FrameException {
    return decode(VarintFrames.decodeExactly(frame, limits.maxFrameBytes()));
  }

  public KadProto.Message decode(byte[] body) throws FrameException {
    if (body.length > limits.maxFrameBytes()) {
      throw new FrameException(FrameException.Reason.OVERSIZED, "DHT message exceeds frame limit");
    }
    KadProto.Message m;
    try {
      m = KadProto.Message.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new FrameException(FrameException.Reason.MALFORMED, "malformed DHT message");
    }
    // No type field means PUT_VALUE (0): proto3 encoders such as js omit a zero enum.
    check(m.getKey().size() <= limits.maxKeyBytes(), "key too long");
    if (m.hasRecord()) {
      check(m.getRecord().getKey().size() <= limits.maxKeyBytes(), "record key too long");
      check(m.getRecord().getValue().size() <= limits.maxValueBytes(), "record value too long");
    }
    check(m.getCloserPeersCount() <= limits.maxPeersPerMessage(), "too many closer peers");
    check(m.getProviderPeersCount() <= limits.maxPeersPerMessage(), "too many providers");
    for (KadProto.Message.Peer p : m.getCloserPeersList()) {
      checkPeer(p);
    }
    for (KadProto.Message.Peer p : m.getProviderPeersList()) {
      checkPeer(p);
    }
    return m;
  }

  private void checkPeer(KadProto.Message.Peer p) throws FrameException {
    check(p.getAddrsCount() <= limits.maxAddrsPerPeer(), "too many addresses");
    for (var a : p.getAddrsList()) {
      check(a.size() <= limits.maxAddrBytes(), "address too long");
    }
  }

  private static void check(boolean ok, String what) throws FrameException {
    if (!ok) {
      throw new FrameException(FrameException.Reason.LIMIT_EXCEEDED, "DHT message: " + what);
    }
  }
}
