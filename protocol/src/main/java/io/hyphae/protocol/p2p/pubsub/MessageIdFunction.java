package io.hyphae.protocol.p2p.pubsub;

import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.PubsubProto;

/** Computes a message id; all nodes of one network must use the same function. */
@FunctionalInterface
public interface MessageIdFunction {
  byte[] apply(PubsubProto.Message message);

  /** go-libp2p-pubsub's default: {@code from} bytes followed by {@code seqno} bytes. */
  MessageIdFunction FROM_AND_SEQNO =
      m -> concat(m.getFrom().toByteArray(), m.getSeqno().toByteArray());

  /**
   * js-libp2p-gossipsub's StrictSign default: the author's PublicKey protobuf (inlined in {@code
   * from}, else the {@code key} field) followed by {@code seqno}. Falls back to {@code from} bytes
   * when no key can be recovered (such a message fails signature checks anyway).
   */
  MessageIdFunction KEY_AND_SEQNO =
      m -> {
        byte[] from = m.getFrom().toByteArray();
        byte[] key = from;
        try {
          key =
              PeerId.fromBytes(from)
                  .publicKey(m.getKey().toByteArray())
                  .map(PubKey::marshal)
                  .orElse(m.getKey().toByteArray());
        } catch (IllegalArgumentException e) {
          // malformed from: keep its raw bytes
        }
        return concat(key, m.getSeqno().toByteArray());
      };

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
