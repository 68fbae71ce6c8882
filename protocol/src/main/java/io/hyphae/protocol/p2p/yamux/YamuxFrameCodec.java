package io.hyphae.protocol.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The yamux wire format: a 12-byte big-endian header (version, type, flags, stream id, length),
 * followed by {@code length} payload bytes for data frames only. Pure functions over ByteBufs; the
 * header is validated as soon as its 12 bytes are there, before any payload is awaited, so an
 * oversized data frame is refused without buffering it.
 */
public final class YamuxFrameCodec {

  private final long maxDataLength;

  /**
   * @param maxDataLength the largest data payload accepted; a remote that respects our receive
   *     window never sends more in one frame, so this is our receive window.
   */
  public YamuxFrameCodec(long maxDataLength) {
    if (maxDataLength < 0 || maxDataLength > YamuxFrame.MAX_UINT32) {
      throw new IllegalArgumentException("maxDataLength out of range: " + maxDataLength);
    }
    this.maxDataLength = maxDataLength;
  }

  /**
   * Reads the next whole frame from {@code in}, or returns null (reading nothing) when {@code in}
   * does not hold one yet. A data frame's payload is a retained slice of {@code in}.
   *
   * @throws YamuxProtocolException for an unknown version or type, a session frame on a stream id
   *     or a stream frame on id 0, a ping that is neither request nor response, or a data frame
   *     longer than the limit
   */
  public YamuxFrame decode(ByteBuf in) throws YamuxProtocolException {
    if (in.readableBytes() < YamuxFrame.HEADER_LENGTH) {
      return null;
    }
    int at = in.readerIndex();
    int version = in.getUnsignedByte(at);
    if (version != YamuxFrame.VERSION) {
      throw new YamuxProtocolException("unknown yamux version " + version);
    }
    int typeCode = in.getUnsignedByte(at + 1);
    YamuxFrame.Type type = YamuxFrame.Type.ofCode(typeCode);
    if (type == null) {
      throw new YamuxProtocolException("unknown frame type " + typeCode);
    }
    int flags = in.getUnsignedShort(at + 2);
    int streamId = in.getInt(at + 4);
    long length = in.getUnsignedInt(at + 8);
    switch (type) {
      case DATA, WINDOW_UPDATE -> {
        if (streamId == 0) {
          throw new YamuxProtocolException(type + " frame on stream 0");
        }
      }
      case PING -> {
        if (streamId != 0) {
          throw new YamuxProtocolException("ping on stream " + Integer.toUnsignedLong(streamId));
        }
        int kind = flags & (YamuxFrame.SYN | YamuxFrame.ACK);
        if (kind != YamuxFrame.SYN && kind != YamuxFrame.ACK) {
          throw new YamuxProtocolException(
              "ping with flags " + YamuxFrame.flagNames(flags) + ": needs exactly one of SYN, ACK");
        }
      }
      case GO_AWAY -> {
        if (streamId != 0) {
          throw new YamuxProtocolException("go-away on stream " + Integer.toUnsignedLong(streamId));
        }
      }
    }
    if (type != YamuxFrame.Type.DATA) {
      in.skipBytes(YamuxFrame.HEADER_LENGTH);
      return new YamuxFrame(type, flags, streamId, length, null);
    }
    if (length > maxDataLength) {
      throw new YamuxProtocolException(
          "data frame of " + length + " bytes exceeds the receive window " + maxDataLength);
    }
    if (in.readableBytes() < YamuxFrame.HEADER_LENGTH + length) {
      return null;
    }
    in.skipBytes(YamuxFrame.HEADER_LENGTH);
    ByteBuf payload = in.readRetainedSlice((int) length);
    return new YamuxFrame(type, flags, streamId, length, payload);
  }

  /** Writes a frame header to {@code out}. */
  public static void encodeHeader(
      ByteBuf out, YamuxFrame.Type type, int flags, int streamId, long length) {
    if (length < 0 || length > YamuxFrame.MAX_UINT32) {
      throw new IllegalArgumentException("length out of uint32 range: " + length);
    }
    if ((flags & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("flags out of 16-bit range: " + flags);
    }
    out.writeByte(YamuxFrame.VERSION);
    out.writeByte(type.code());
    out.writeShort(flags);
    out.writeInt(streamId);
    out.writeInt((int) length);
  }

  /** A new buffer holding one frame header. */
  public static ByteBuf header(
      ByteBufAllocator alloc, YamuxFrame.Type type, int flags, int streamId, long length) {
    ByteBuf out = alloc.buffer(YamuxFrame.HEADER_LENGTH, YamuxFrame.HEADER_LENGTH);
    encodeHeader(out, type, flags, streamId, length);
    return out;
  }
}
