package io.hyphae.protocol.p2p.ping;

import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReader;
import io.hyphae.protocol.p2p.StreamReads;
import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/** Serves ping and measures round trips. */
public final class PingService {
  public static final String PROTOCOL = "/ipfs/ping/1.0.0";
  public static final int SIZE = 32;

  private final Host host;
  private final Duration timeout;
  private final SecureRandom random = new SecureRandom();

  public PingService(Host host, Duration timeout) {
    this.host = host;
    this.timeout = timeout;
  }

  public void install() {
    host.setStreamHandler(PROTOCOL, PingService::serve);
  }

  /** Echoes every whole 32-byte ping; a partial one waits for its rest. */
  private static void serve(Stream stream) {
    stream.setReader(
        new StreamReader() {
          private final byte[] pending = new byte[SIZE];
          private int filled;
          private boolean ended;

          @Override
          public void onData(Stream s, ByteBuf data) {
            try {
              while (data.isReadable() && !ended) {
                int n = Math.min(SIZE - filled, data.readableBytes());
                data.readBytes(pending, filled, n);
                filled += n;
                if (filled == SIZE) {
                  filled = 0;
                  s.write(pending.clone());
                }
              }
            } finally {
              data.release();
            }
          }

          @Override
          public void onRemoteClose(Stream s) {
            ended = true;
            s.closeWrite();
          }
        });
  }

  /** One round trip on a new stream. */
  public CompletableFuture<Duration> ping(Connection connection) {
    byte[] payload = new byte[SIZE];
    random.nextBytes(payload);
    return connection
        .newStream(PROTOCOL)
        .thenCompose(
            stream -> {
              CompletableFuture<byte[]> answer = StreamReads.exactly(stream, SIZE, timeout);
              long start = System.nanoTime();
              return stream
                  .write(payload)
                  .thenCompose(v -> answer)
                  .thenApply(
                      echo -> {
                        Duration rtt = Duration.ofNanos(System.nanoTime() - start);
                        stream.closeWrite();
                        if (!Arrays.equals(echo, payload)) {
                          stream.reset();
                          throw new P2pException(
                              P2pException.Reason.PROTOCOL_ERROR, "ping echo differs");
                        }
                        return rtt;
                      });
            });
  }
}
