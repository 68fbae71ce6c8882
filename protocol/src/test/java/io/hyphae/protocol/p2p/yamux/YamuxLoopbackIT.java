package io.hyphae.protocol.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedSession;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two of our sessions over real TCP on loopback, with their own event loops: calls come from the
 * test thread, writability flips for real (small write-buffer watermarks), windows differ per side.
 */
class YamuxLoopbackIT {

  private static final long WAIT_S = 60;

  private EventLoopGroup group;
  private Channel server;
  private Channel client;
  private MuxedSession clientSession;
  private YamuxHandler clientHandler;
  private final CompletableFuture<YamuxHandler> serverHandler = new CompletableFuture<>();
  private final CompletableFuture<MuxedSession> serverSession = new CompletableFuture<>();

  @BeforeEach
  void connect() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    YamuxHandler h =
                        new YamuxHandler(
                            false,
                            YamuxConfig.defaults().withReceiveWindow(1024 * 1024),
                            s -> s.setHandler(new Echo()));
                    ch.pipeline().addLast(h);
                    serverHandler.complete(h);
                    serverSession.complete(h.session());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    YamuxHandler h = new YamuxHandler(true, YamuxConfig.defaults());
    clientHandler = h;
    client =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8192, 32768))
            .handler(h)
            .connect(server.localAddress())
            .sync()
            .channel();
    clientSession = h.session();
  }

  @AfterEach
  void close() throws Exception {
    clientSession.close();
    clientSession.closeFuture().get(WAIT_S, TimeUnit.SECONDS);
    serverSession.get(WAIT_S, TimeUnit.SECONDS).closeFuture().get(WAIT_S, TimeUnit.SECONDS);
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  /** The byte at {@code i} of stream {@code s}'s test data. */
  private static byte pattern(int s, long i) {
    return (byte) (i * 31 + s * 7 + (i >> 12));
  }

  /** Checks the echo byte by byte against the pattern, without keeping it. */
  private static final class Verifier implements MuxedStreamHandler {
    final int index;
    long received;
    String mismatch;
    final CompletableFuture<Long> done = new CompletableFuture<>();

    Verifier(int index) {
      this.index = index;
    }

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      // One bulk copy: per-byte reads are slow under paranoid leak detection.
      byte[] bytes = new byte[data.readableBytes()];
      data.readBytes(bytes);
      data.release();
      for (byte b : bytes) {
        if (mismatch == null && b != pattern(index, received)) {
          mismatch = "stream " + index + " byte " + received;
        }
        received++;
      }
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      if (mismatch != null) {
        done.completeExceptionally(new AssertionError(mismatch));
      } else {
        done.complete(received);
      }
    }

    @Override
    public void onReset(MuxedStream stream, MuxException cause) {
      done.completeExceptionally(cause);
    }
  }

  private static CompletableFuture<Void> send(MuxedStream s, int index, long size, int chunk) {
    CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
    for (long at = 0; at < size; at += chunk) {
      long from = at;
      int len = (int) Math.min(chunk, size - at);
      f =
          f.thenCompose(
              v -> {
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) {
                  b[i] = pattern(index, from + i);
                }
                return s.write(Unpooled.wrappedBuffer(b));
              });
    }
    return f.thenCompose(v -> s.closeWrite());
  }

  @Test
  void echoesManyStreamsConcurrentlyAcrossThreads() throws Exception {
    int streams = 8;
    long size = 4L * 1024 * 1024;
    long start = System.nanoTime();
    List<Verifier> verifiers = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      MuxedStream s = clientSession.openStream().get(WAIT_S, TimeUnit.SECONDS);
      Verifier v = new Verifier(i);
      s.setHandler(v);
      verifiers.add(v);
      writes.add(send(s, i, size, 100_000 + i * 4099));
    }
    for (int i = 0; i < streams; i++) {
      try {
        writes.get(i).get(WAIT_S, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(
            "stream "
                + i
                + " stalled:\n"
                + clientHandler.yamuxSession().describe()
                + "\n"
                + serverHandler.get().yamuxSession().describe()
                + "\nreceived "
                + verifiers.stream().map(v -> v.received).toList(),
            e);
      }
      assertThat(verifiers.get(i).done.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(size);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "yamux loopback: %d streams x %d MiB echoed in %.2f s (%.1f MiB/s each way)%n",
        streams, size >> 20, seconds, streams * size / 1048576.0 / seconds);
    assertThat(clientSession.openStreamCount()).isZero();
    assertThat(serverSession.get().openStreamCount()).isZero();
  }

  @Test
  void pingsAndGoAwayAcrossThreads() throws Exception {
    assertThat(clientSession.ping().get(WAIT_S, TimeUnit.SECONDS).isNegative()).isFalse();
    MuxedSession remote = serverSession.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(remote.ping().get(WAIT_S, TimeUnit.SECONDS).isNegative()).isFalse();
    MuxedStream open = clientSession.openStream().get(WAIT_S, TimeUnit.SECONDS);
    Verifier v = new Verifier(0);
    open.setHandler(v);
    // The answer comes after the server read our SYN: frames keep their order on the connection.
    clientSession.ping().get(WAIT_S, TimeUnit.SECONDS);
    remote.goAway();
    // The server's ping leaves after its go-away, so its answer means the client has seen it:
    // new streams are refused, the open one still echoes.
    assertThat(remote.ping().get(WAIT_S, TimeUnit.SECONDS).isNegative()).isFalse();
    assertThat(clientSession.openStream())
        .failsWithin(WAIT_S, TimeUnit.SECONDS)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(MuxException.class);
    send(open, 0, 300_000, 50_000).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(v.done.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(300_000L);
    // Drained both ways: both sessions close themselves.
    remote.closeFuture().get(WAIT_S, TimeUnit.SECONDS);
    clientSession.closeFuture().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(client.closeFuture().await(WAIT_S, TimeUnit.SECONDS)).isTrue();
  }
}
