package io.hyphae.protocol.multiformats;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A version-1 content identifier: varint version (1), varint content codec, multihash. Printed in
 * multibase base32 (prefix {@code b}), the form libp2p uses for peer ids.
 */
public record Cid(long codec, Multihash multihash) {
  /** The codec of a CID that names a libp2p public key (a peer id). */
  public static final long LIBP2P_KEY = 0x72;

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Varint.write(1, out);
    Varint.write(codec, out);
    out.writeBytes(multihash.encode());
    return out.toByteArray();
  }

  public static Cid decode(byte[] bytes) {
    Varint.Decoded version = Varint.decode(bytes, 0);
    if (version.value() != 1) {
      throw new FormatException("only CIDv1 is supported, got version " + version.value());
    }
    Varint.Decoded codec = Varint.decode(bytes, version.length());
    int start = version.length() + codec.length();
    return new Cid(codec.value(), Multihash.decode(Arrays.copyOfRange(bytes, start, bytes.length)));
  }

  /** Multibase base32 text, e.g. {@code bafzaa...}. */
  public String toText() {
    return "b" + Base32.encode(encode());
  }

  /** Parses multibase text; only base32 ({@code b}) is accepted. */
  public static Cid parse(String text) {
    if (text.isEmpty() || text.charAt(0) != 'b') {
      throw new FormatException("CID text must be multibase base32 (start with 'b'): " + text);
    }
    return decode(Base32.decode(text.substring(1)));
  }

  @Override
  public String toString() {
    return toText();
  }
}
