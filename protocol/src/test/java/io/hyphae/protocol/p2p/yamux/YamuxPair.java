package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxedSession;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Two yamux sessions on EmbeddedChannels wired back to back: {@link #pump()} carries every frame
 * written on one side to the other until both are quiet. Tracks the buffers a test writes so it can
 * assert that all of them were released.
 */
final class YamuxPair implements AutoCloseable {

  final EmbeddedChannel client;
  final EmbeddedChannel server;
  final YamuxHandler clientHandler;
  final YamuxHandler serverHandler;
  final List<MuxedStream> serverInbound = new ArrayList<>();
  final List<Recorder> serverRecorders = new ArrayList<>();
  final List<MuxedStream> clientInbound = new ArrayList<>();
  final List<Recorder> clientRecorders = new ArrayList<>();
  private final List<ByteBuf> tracked = new ArrayList<>();
  long framesToServer;
  long framesToClient;

  YamuxPair() {
    this(YamuxConfig.defaults(), YamuxConfig.defaults());
  }

  YamuxPair(YamuxConfig clientConfig, YamuxConfig serverConfig) {
    clientHandler =
        new YamuxHandler(
            true,
            clientConfig,
            s -> {
              Recorder r = new Recorder();
              clientInbound.add(s);
              clientRecorders.add(r);
              s.setHandler(r);
            });
    serverHandler =
        new YamuxHandler(
            false,
            serverConfig,
            s -> {
              Recorder r = new Recorder();
              serverInbound.add(s);
              serverRecorders.add(r);
              s.setHandler(r);
            });
    client = new EmbeddedChannel(clientHandler);
    server = new EmbeddedChannel(serverHandler);
  }

  MuxedSession clientSession() {
    return clientHandler.session();
  }

  MuxedSession serverSession() {
    return serverHandler.session();
  }

  /** Moves frames both ways until neither side writes more; returns the frames moved. */
  int pump() {
    int moved = 0;
    for (int round = 0; round < 100_000; round++) {
      int before = moved;
      moved += move(client, server, true);
      moved += move(server, client, false);
      client.runPendingTasks();
      server.runPendingTasks();
      if (moved == before) {
        return moved;
      }
    }
    throw new AssertionError("pump did not settle");
  }

  private int move(EmbeddedChannel from, EmbeddedChannel to, boolean toServer) {
    int n = 0;
    for (Object msg; (msg = from.readOutbound()) != null; ) {
      n++;
      if (toServer) {
        framesToServer++;
      } else {
        framesToClient++;
      }
      if (to.isOpen()) {
        to.writeInbound(msg);
      } else {
        ((ByteBuf) msg).release();
      }
    }
    return n;
  }

  <T> T done(CompletableFuture<T> future) {
    pump();
    if (!future.isDone()) {
      throw new AssertionError("future not done after pumping");
    }
    return future.join();
  }

  ByteBuf buf(String text) {
    return track(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  ByteBuf buf(byte[] bytes) {
    return track(Unpooled.wrappedBuffer(bytes));
  }

  ByteBuf track(ByteBuf b) {
    tracked.add(b);
    return b;
  }

  void assertAllReleased() {
    for (ByteBuf b : tracked) {
      if (b.refCnt() != 0) {
        throw new AssertionError("buffer not released: refCnt " + b.refCnt());
      }
    }
  }

  @Override
  public void close() {
    client.finishAndReleaseAll();
    server.finishAndReleaseAll();
  }
}
