package io.hyphae.protocol.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One decoded yamux frame. {@code length} is the header's unsigned 32-bit length field: the payload
 * size of a data frame, the window delta of a window update, the opaque value of a ping and the
 * error code of a go-away. {@code payload} holds a data frame's bytes (owned by the frame's holder,
 * who must release it) and is the empty buffer for every other type.
 */
public record YamuxFrame(Type type, int flags, int streamId, long length, ByteBuf payload) {

  /** The size of every frame header on the wire. */
  public static final int HEADER_LENGTH = 12;

  /** The only protocol version. */
  public static final int VERSION = 0;

  /** Opens a stream; with a ping: a request. */
  public static final int SYN = 0x1;

  /** Acknowledges a stream; with a ping: the response. */
  public static final int ACK = 0x2;

  /** Half-closes a stream: the sender writes no more. */
  public static final int FIN = 0x4;

  /** Aborts a stream at once. */
  public static final int RST = 0x8;

  /** The largest value the 32-bit length field can carry. */
  public static final long MAX_UINT32 = 0xFFFF_FFFFL;

  /** Frame types with their wire codes. */
  public enum Type {
    DATA(0),
    WINDOW_UPDATE(1),
    PING(2),
    GO_AWAY(3);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    /** The type with this wire code, or null for an unknown one. */
    static Type ofCode(int code) {
      return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }

    private static final Type[] VALUES = values();
  }

  /** Go-away error codes. */
  public enum GoAwayCode {
    NORMAL(0),
    PROTOCOL_ERROR(1),
    INTERNAL_ERROR(2);

    private final int code;

    GoAwayCode(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public YamuxFrame {
    if (length < 0 || length > MAX_UINT32) {
      throw new IllegalArgumentException("length out of uint32 range: " + length);
    }
    if (payload == null) {
      payload = Unpooled.EMPTY_BUFFER;
    }
  }

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** The stream id as the unsigned number on the wire. */
  public long unsignedStreamId() {
    return Integer.toUnsignedLong(streamId);
  }

  @Override
  public String toString() {
    return type
        + "[flags="
        + flagNames(flags)
        + ", stream="
        + unsignedStreamId()
        + ", length="
        + length
        + "]";
  }

  static String flagNames(int flags) {
    StringBuilder b = new StringBuilder();
    if ((flags & SYN) != 0) {
      b.append("SYN|");
    }
    if ((flags & ACK) != 0) {
      b.append("ACK|");
    }
    if ((flags & FIN) != 0) {
      b.append("FIN|");
    }
    if ((flags & RST) != 0) {
      b.append("RST|");
    }
    int other = flags & ~(SYN | ACK | FIN | RST);
    if (other != 0) {
      b.append("0x").append(Integer.toHexString(other)).append('|');
    }
    return b.isEmpty() ? "-" : b.substring(0, b.length() - 1);
  }
}
