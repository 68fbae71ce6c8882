package io.hyphae.protocol.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * The two transport ciphers of a finished handshake: one to send, one to receive. Each is used by
 * one direction only, on the connection's event loop. Messages are sealed and opened in place in
 * heap buffers: one copy in, and the cipher works on plain arrays.
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

  /**
   * Appends one Noise message to {@code out}: the 2-byte length, then {@code length} bytes read
   * from {@code in} encrypted, then the tag. {@code out} must be a heap buffer with room for it.
   */
  void encryptFrame(ByteBuf in, int length, ByteBuf out) {
    out.writeShort(length + CipherState.TAG);
    int at = out.writerIndex();
    in.readBytes(out.array(), out.arrayOffset() + at, length);
    send.encryptInPlace(out.array(), out.arrayOffset() + at, length);
    out.writerIndex(at + length + CipherState.TAG);
  }

  /** Decrypts a whole frame into a new heap buffer; reads all of {@code frame}. */
  ByteBuf decrypt(ByteBufAllocator alloc, ByteBuf frame) throws NoiseException {
    int length = frame.readableBytes();
    if (length < CipherState.TAG) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "Noise frame shorter than its tag");
    }
    ByteBuf out = heapBuffer(alloc, length);
    boolean ok = false;
    try {
      frame.readBytes(out.array(), out.arrayOffset(), length);
      int n = receive.decryptInPlace(out.array(), out.arrayOffset(), length);
      out.writerIndex(n);
      ok = true;
      return out;
    } finally {
      if (!ok) {
        out.release();
      }
    }
  }

  /** A buffer backed by an array (every Netty allocator's heap buffers are). */
  static ByteBuf heapBuffer(ByteBufAllocator alloc, int capacity) {
    ByteBuf b = alloc.heapBuffer(capacity, capacity);
    if (b.hasArray()) {
      return b;
    }
    b.release();
    return Unpooled.buffer(capacity, capacity);
  }
}
