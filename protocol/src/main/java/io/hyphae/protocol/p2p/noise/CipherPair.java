package io.hyphae.protocol.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * The two transport ciphers of a finished handshake: one to send, one to receive. Each is used by
 * one direction only, on the connection's event loop.
 */
public final class CipherPair {
  private final CipherState send;
  private final CipherState receive;

  CipherPair(CipherState send, CipherState receive) {
    this.send = send;
    this.receive = receive;
  }

  public byte[] encrypt(byte[] plaintext) {
    return send.encrypt(new byte[0], plaintext);
  }

  public byte[] decrypt(byte[] ciphertext) throws NoiseException {
    return receive.decrypt(new byte[0], ciphertext);
  }

  int encryptInto(ByteBuffer src, ByteBuffer dst) {
    return send.encrypt(src, dst);
  }

  /** Decrypts a whole frame into a new buffer. */
  ByteBuf decrypt(ByteBufAllocator alloc, ByteBuf frame) throws NoiseException {
    int length = frame.readableBytes();
    if (length < CipherState.TAG) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "Noise frame shorter than its tag");
    }
    ByteBuf out = alloc.buffer(length - CipherState.TAG);
    boolean ok = false;
    try {
      ByteBuffer src = frame.nioBuffer(frame.readerIndex(), length);
      ByteBuffer dst = out.nioBuffer(0, length - CipherState.TAG);
      int n = receive.decrypt(src, dst);
      out.writerIndex(n);
      frame.skipBytes(length);
      ok = true;
      return out;
    } finally {
      if (!ok) {
        out.release();
      }
    }
  }
}
