package io.hyphae.protocol.multiformats;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A self-describing hash: varint code, varint digest length, digest. Only the two functions peer
 * ids use are known: identity (0x00) and sha2-256 (0x12).
 */
public record Multihash(int code, byte[] digest) {
  public static final int IDENTITY = 0x00;
  public static final int SHA2_256 = 0x12;

  /** Identity digests longer than this are refused (libp2p inlines keys of at most 42 bytes). */
  public static final int MAX_DIGEST = 128;

  public Multihash {
    if (code != IDENTITY && code != SHA2_256) {
      throw new FormatException("unsupported multihash code 0x" + Integer.toHexString(code));
    }
    if (code == SHA2_256 && digest.length != 32) {
      throw new FormatException("sha2-256 multihash needs 32 digest bytes, got " + digest.length);
    }
    if (digest.length > MAX_DIGEST) {
      throw new FormatException("multihash digest longer than " + MAX_DIGEST + " bytes");
    }
    digest = digest.clone();
  }

  public static Multihash identity(byte[] data) {
    return new Multihash(IDENTITY, data);
  }

  public static Multihash sha256(byte[] data) {
    try {
      return new Multihash(SHA2_256, MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(digest.length + 4);
    Varint.write(code, out);
    Varint.write(digest.length, out);
    out.writeBytes(digest);
    return out.toByteArray();
  }

  /** Decodes exactly one multihash filling {@code bytes}. */
  public static Multihash decode(byte[] bytes) {
    Varint.Decoded code = Varint.decode(bytes, 0);
    Varint.Decoded length = Varint.decode(bytes, code.length());
    int start = code.length() + length.length();
    if (length.value() > MAX_DIGEST) {
      throw new FormatException("multihash digest longer than " + MAX_DIGEST + " bytes");
    }
    if (bytes.length - start != length.value()) {
      throw new FormatException(
          "multihash declares " + length.value() + " digest bytes, has " + (bytes.length - start));
    }
    if (code.value() > Integer.MAX_VALUE) {
      throw new FormatException("unsupported multihash code " + code.value());
    }
    return new Multihash((int) code.value(), Arrays.copyOfRange(bytes, start, bytes.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash m && m.code == code && Arrays.equals(m.digest, digest);
  }

  @Override
  public int hashCode() {
    return 31 * code + Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "Multihash[0x"
        + Integer.toHexString(code)
        + ", "
        + HexFormat.of().formatHex(digest)
        + "]";
  }
}
