package io.hyphae.protocol.p2p.overlay;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A libp2p peer id as its multihash bytes. Interim value type local to the overlay protocols: the
 * host branch's {@code io.hyphae.protocol.peer.PeerId} replaces it at merge (same bytes, same
 * equality, same {@code fromBytes}/{@code toBytes}).
 */
public final class PeerId implements Comparable<PeerId> {
  /** Longest peer id we accept (a sha2-256 multihash is 34 bytes; identity ones up to 44). */
  public static final int MAX_LENGTH = 64;

  private final byte[] bytes;
  private final int hash;

  private PeerId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** Wraps multihash bytes; throws {@link IllegalArgumentException} when empty or too long. */
  public static PeerId fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length == 0 || bytes.length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "peer id must be 1.." + MAX_LENGTH + " bytes, got " + (bytes == null ? 0 : bytes.length));
    }
    return new PeerId(bytes.clone());
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(PeerId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  /** Short hex form for logs (the base58 form comes with the host's PeerId). */
  @Override
  public String toString() {
    String hex = HexFormat.of().formatHex(bytes);
    return hex.length() > 16 ? "peer:" + hex.substring(hex.length() - 12) : "peer:" + hex;
  }
}
