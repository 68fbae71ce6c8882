package io.hyphae.protocol.job;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.proto.JobProto;
import java.math.BigInteger;

/**
 * The job protocols' byte fields: unsigned big-endian integers of at most 32 bytes (job ids,
 * amounts), 20-byte addresses and 32-byte hashes. Decoding refuses anything else with a {@link
 * WireFormatException} naming the field.
 */
public final class WireValues {

  private WireValues() {}

  /** A uint256 as minimal unsigned big-endian bytes (zero is empty). */
  public static ByteString uint256(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    if (value.signum() == 0) {
      return ByteString.EMPTY;
    }
    byte[] b = value.toByteArray();
    int skip = b[0] == 0 ? 1 : 0;
    return ByteString.copyFrom(b, skip, b.length - skip);
  }

  public static BigInteger uint256(ByteString bytes, String field) {
    if (bytes.size() > 32) {
      throw new WireFormatException(field + " has " + bytes.size() + " bytes; a uint256 has 32");
    }
    return new BigInteger(1, bytes.toByteArray());
  }

  /** A {@code 0x}-prefixed 40-hex-digit address as 20 bytes. */
  public static ByteString address(String hex) {
    if (!hex.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("not an address: " + hex);
    }
    return ByteString.fromHex(hex.substring(2).toLowerCase(java.util.Locale.ROOT));
  }

  /** 20 bytes as a lower-case {@code 0x} address. */
  public static String address(ByteString bytes, String field) {
    if (bytes.size() != 20) {
      throw new WireFormatException(field + " has " + bytes.size() + " bytes; an address has 20");
    }
    return "0x" + java.util.HexFormat.of().formatHex(bytes.toByteArray());
  }

  public static ByteString bytes32(Bytes32 value) {
    return ByteString.copyFrom(value.toArray());
  }

  public static Bytes32 bytes32(ByteString bytes, String field) {
    if (bytes.size() != 32) {
      throw new WireFormatException(field + " has " + bytes.size() + " bytes; expected 32");
    }
    return Bytes32.wrap(bytes.toByteArray());
  }

  /** A 65-byte (r, s, v) signature. */
  public static byte[] signature(ByteString bytes, String field) {
    if (bytes.size() != 65) {
      throw new WireFormatException(field + " has " + bytes.size() + " bytes; a signature has 65");
    }
    return bytes.toByteArray();
  }

  /** A refusal with a code and a message for humans. */
  public static JobProto.Refusal refusal(JobProto.Refusal.Code code, String message) {
    return JobProto.Refusal.newBuilder().setCode(code).setMessage(message).build();
  }

  /** A wire field that does not have the form its type requires. */
  public static final class WireFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
      super(message);
    }
  }
}
