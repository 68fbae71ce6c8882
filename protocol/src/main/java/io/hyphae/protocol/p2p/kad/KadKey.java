package io.hyphae.protocol.p2p.kad;

import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.peer.PeerId;
import java.math.BigInteger;
import java.util.Arrays;

/** A position in the keyspace: sha2-256 of a key's bytes (a peer id's bytes for peers). */
public record KadKey(byte[] hash) {
  public KadKey {
    hash = hash.clone();
  }

  public static KadKey of(byte[] key) {
    return new KadKey(Multihash.sha256(key).digest());
  }

  public static KadKey of(PeerId peer) {
    return of(peer.toBytes());
  }

  /** XOR distance as an unsigned integer. */
  public BigInteger distance(KadKey other) {
    byte[] x = new byte[32];
    for (int i = 0; i < 32; i++) {
      x[i] = (byte) (hash[i] ^ other.hash[i]);
    }
    return new BigInteger(1, x);
  }

  /** Number of leading bits shared with {@code other} (256 when equal). */
  public int commonPrefixLength(KadKey other) {
    for (int i = 0; i < 32; i++) {
      int x = (hash[i] ^ other.hash[i]) & 0xff;
      if (x != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
      }
    }
    return 256;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KadKey k && Arrays.equals(hash, k.hash);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "KadKey" + java.util.HexFormat.of().formatHex(hash, 0, 6);
  }
}
