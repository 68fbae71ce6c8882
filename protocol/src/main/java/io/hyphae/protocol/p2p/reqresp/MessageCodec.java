package io.hyphae.protocol.p2p.reqresp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

/** Turns messages into bytes and back; {@link #decode} throws on malformed input. */
public interface MessageCodec<T> {

  byte[] encode(T message);

  T decode(byte[] bytes) throws MalformedMessageException;

  /** A protobuf message type's codec. */
  static <T extends MessageLite> MessageCodec<T> protobuf(Parser<T> parser) {
    return new MessageCodec<>() {
      @Override
      public byte[] encode(T message) {
        return message.toByteArray();
      }

      @Override
      public T decode(byte[] bytes) throws MalformedMessageException {
        try {
          return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new MalformedMessageException("malformed protobuf: " + e.getMessage(), e);
        }
      }
    };
  }

  /** The message is not valid for this codec. */
  final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
