package io.hyphae.protocol.p2p.overlay;

import java.util.Arrays;
import java.util.HexFormat;

/** Immutable bytes with value equality, for map keys such as message ids and DHT keys. */
public final class ByteKey implements Comparable<ByteKey> {
  private final byte[] bytes;
  private final int hash;

  private ByteKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public static ByteKey copyOf(byte[] bytes) {
    return new ByteKey(bytes.clone());
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(ByteKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
