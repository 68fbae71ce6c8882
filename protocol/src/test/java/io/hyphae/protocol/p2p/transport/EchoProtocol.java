package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Test protocol: echoes every byte back with backpressure and half-closes after the remote; the
 * client side sends patterned bytes and checks the SHA-256 of what comes back.
 */
public final class EchoProtocol {
  public static final String PROTOCOL = "/hyphae-test/echo/1.0.0";
  private static final int MAX_IN_FLIGHT = 8;

  private EchoProtocol() {}

  public static void serve(Stream stream) {
    stream.setReader(
        new StreamReader() {
          private int inFlight;

          @Override
          public void onData(Stream s, ByteBuf data) {
            if (++inFlight > MAX_IN_FLIGHT) {
              s.pauseReading();
            }
            s.write(data)
                .whenComplete(
                    (v, e) -> {
                      if (--inFlight <= MAX_IN_FLIGHT) {
                        s.resumeReading();
                      }
                    });
          }

          @Override
          public void onRemoteClose(Stream s) {
            s.closeWrite();
          }
        });
  }

  /** The bytes the js peer sends too: see interop-js/peer.mjs pattern(). */
  public static byte[] pattern(int index, int size) {
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = (byte) (i * 31 + index * 7 + (i >> 10));
    }
    return out;
  }

  /** Sends {@code size} bytes on a new echo stream; completes with the bytes echoed intact. */
  public static CompletableFuture<Long> roundTrip(Connection c, int size, int index) {
    byte[] data = pattern(index, size);
    byte[] expected = sha256().digest(data);
    return c.newStream(PROTOCOL)
        .thenCompose(
            s -> {
              Sink sink = new Sink();
              s.setReader(sink);
              return writeChunks(s, data, 0)
                  .thenCompose(v -> s.closeWrite())
                  .thenCompose(v -> sink.digest)
                  .thenApply(
                      digest -> {
                        if (sink.bytes != size || !Arrays.equals(digest, expected)) {
                          throw new IllegalStateException(
                              "stream "
                                  + index
                                  + ": "
                                  + sink.bytes
                                  + " of "
                                  + size
                                  + " bytes back, digest "
                                  + (Arrays.equals(digest, expected) ? "equal" : "differs"));
                        }
                        return sink.bytes;
                      });
            });
  }

  /** Writes 64 KiB at a time, each after the previous was accepted (backpressure). */
  public static CompletableFuture<Void> writeChunks(Stream s, byte[] data, int offset) {
    CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    // chain iteratively in windows of 8 chunks to keep the recursion shallow
    if (offset >= data.length) {
      return last;
    }
    int end = Math.min(data.length, offset + 8 * (64 << 10));
    for (int at = offset; at < end; at += 64 << 10) {
      int n = Math.min(64 << 10, end - at);
      last = s.write(Unpooled.copiedBuffer(data, at, n));
    }
    return last.thenCompose(v -> writeChunks(s, data, end));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a stream to its end, hashing and counting the bytes. */
  public static final class Sink implements StreamReader {
    final CompletableFuture<byte[]> digest = new CompletableFuture<>();
    private final MessageDigest sha = sha256();
    long bytes;

    @Override
    public void onData(Stream s, ByteBuf data) {
      try {
        bytes += data.readableBytes();
        sha.update(data.nioBuffer());
      } finally {
        data.release();
      }
    }

    @Override
    public void onRemoteClose(Stream s) {
      digest.complete(sha.digest());
    }

    @Override
    public void onReset(Stream s, P2pException cause) {
      digest.completeExceptionally(cause);
    }
  }
}
