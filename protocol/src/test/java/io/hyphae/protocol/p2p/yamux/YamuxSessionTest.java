package io.hyphae.protocol.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.protocol.p2p.mux.MuxException;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two sessions back to back on EmbeddedChannels. */
class YamuxSessionTest {

  private static MuxException.Reason reasonOf(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
    } catch (CompletionException e) {
      return ((MuxException) e.getCause()).reason();
    }
    throw new AssertionError("not failed");
  }

  @Test
  void opensStreamsWithOddIdsForTheDialerAndEvenForTheListener() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream a = p.done(p.clientSession().openStream());
      MuxedStream b = p.done(p.clientSession().openStream());
      MuxedStream c = p.done(p.serverSession().openStream());
      assertThat(a.id()).isEqualTo(1);
      assertThat(b.id()).isEqualTo(3);
      assertThat(c.id()).isEqualTo(2);
      assertThat(a.isOutbound()).isTrue();
      assertThat(p.serverInbound).extracting(MuxedStream::id).containsExactly(1, 3);
      assertThat(p.serverInbound.get(0).isOutbound()).isFalse();
      assertThat(p.clientInbound).extracting(MuxedStream::id).containsExactly(2);
      assertThat(p.clientSession().openStreamCount()).isEqualTo(3);
      assertThat(((YamuxStream) a).state()).isEqualTo(YamuxStream.State.ESTABLISHED);
    }
  }

  @Test
  void carriesDataBothWaysAndHalfCloses() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream out = p.done(p.clientSession().openStream());
      Recorder clientSide = new Recorder();
      out.setHandler(clientSide);
      p.done(out.write(p.buf("hello ")));
      p.done(out.write(p.buf("world")));
      p.done(out.closeWrite());
      MuxedStream in = p.serverInbound.get(0);
      Recorder serverSide = p.serverRecorders.get(0);
      assertThat(serverSide.text()).isEqualTo("hello world");
      assertThat(serverSide.remoteClosed).isTrue();
      assertThat(in.isClosed()).isFalse();
      assertThatThrownBy(() -> p.done(out.write(p.buf("late"))))
          .hasCauseInstanceOf(MuxException.class);

      // The other direction still works after our half-close.
      p.done(in.write(p.buf("reply")));
      assertThat(clientSide.text()).isEqualTo("reply");
      p.done(in.closeWrite());
      assertThat(clientSide.remoteClosed).isTrue();
      assertThat(out.isClosed()).isTrue();
      assertThat(in.isClosed()).isTrue();
      assertThat(p.clientSession().openStreamCount()).isZero();
      assertThat(p.serverSession().openStreamCount()).isZero();
      p.assertAllReleased();
    }
  }

  @Test
  void resetReachesTheRemoteAndFailsItsWrites() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream out = p.done(p.clientSession().openStream());
      p.done(out.write(p.buf("x")));
      out.reset();
      p.pump();
      assertThat(p.serverRecorders.get(0).reset.reason())
          .isEqualTo(MuxException.Reason.STREAM_RESET);
      assertThat(p.serverInbound.get(0).isClosed()).isTrue();
      CompletableFuture<Void> late = p.serverInbound.get(0).write(p.buf("y"));
      assertThat(reasonOf(late)).isEqualTo(MuxException.Reason.STREAM_RESET);
      assertThat(reasonOf(out.write(p.buf("z")))).isEqualTo(MuxException.Reason.STREAM_RESET);
      assertThat(p.clientSession().openStreamCount()).isZero();
      assertThat(p.serverSession().openStreamCount()).isZero();
      p.assertAllReleased();
    }
  }

  @Test
  void writerWaitsForWindowWhileTheReaderIsPaused() {
    int total = 1024 * 1024;
    try (YamuxPair p = new YamuxPair()) {
      p.serverSession()
          .setInboundStreamHandler(
              s -> {
                p.serverInbound.add(s);
                Recorder r = new Recorder();
                p.serverRecorders.add(r);
                s.pauseReading();
                s.setHandler(r);
              });
      MuxedStream out = p.done(p.clientSession().openStream());
      byte[] data = new byte[total];
      new Random(7).nextBytes(data);
      CompletableFuture<Void> written = out.write(p.buf(data));
      p.pump();
      // Exactly one window went out; the rest waits, and so does the write's future.
      assertThat(written).isNotDone();
      assertThat(p.serverRecorders.get(0).size()).isZero();
      assertThat(((YamuxStream) out).hasSendable()).isFalse();

      p.serverInbound.get(0).resumeReading();
      p.pump();
      assertThat(written).isCompleted();
      assertThat(p.serverRecorders.get(0).received.toByteArray()).isEqualTo(data);
      p.assertAllReleased();
    }
  }

  @Test
  void neverSendsBeyondTheRemoteWindow() {
    try (YamuxPair p = new YamuxPair()) {
      p.serverSession()
          .setInboundStreamHandler(
              s -> {
                p.serverInbound.add(s);
                s.pauseReading();
                s.setHandler(new Recorder());
              });
      MuxedStream out = p.done(p.clientSession().openStream());
      CompletableFuture<Void> w = out.write(p.buf(new byte[YamuxConfig.INITIAL_WINDOW + 1]));
      p.pump();
      // The server's session would have failed with a protocol error on any overrun.
      assertThat(p.serverSession().isOpen()).isTrue();
      assertThat(w).isNotDone();
      p.serverInbound.get(0).reset();
      p.pump();
      assertThat(reasonOf(w)).isEqualTo(MuxException.Reason.STREAM_RESET);
      p.assertAllReleased();
    }
  }

  @Test
  void dataArrivingBeforeTheHandlerIsSetIsBuffered() {
    try (YamuxPair p = new YamuxPair()) {
      List<MuxedStream> unhandled = new ArrayList<>();
      p.serverSession().setInboundStreamHandler(unhandled::add);
      MuxedStream out = p.done(p.clientSession().openStream());
      p.done(out.write(p.buf("early")));
      p.done(out.closeWrite());
      Recorder late = new Recorder();
      unhandled.get(0).setHandler(late);
      assertThat(late.text()).isEqualTo("early");
      assertThat(late.remoteClosed).isTrue();
      p.assertAllReleased();
    }
  }

  @Test
  void movesMegabytesOnSeveralStreamsBothWays() {
    int size = 2 * 1024 * 1024;
    try (YamuxPair p = new YamuxPair()) {
      List<byte[]> sent = new ArrayList<>();
      List<Recorder> echoes = new ArrayList<>();
      p.serverSession().setInboundStreamHandler(s -> s.setHandler(new Echo()));
      for (int i = 0; i < 3; i++) {
        MuxedStream out = p.done(p.clientSession().openStream());
        Recorder r = new Recorder();
        out.setHandler(r);
        echoes.add(r);
        byte[] data = new byte[size];
        new Random(i).nextBytes(data);
        sent.add(data);
        out.write(p.buf(data));
        out.closeWrite();
      }
      p.pump();
      for (int i = 0; i < 3; i++) {
        assertThat(echoes.get(i).received.toByteArray()).isEqualTo(sent.get(i));
        assertThat(echoes.get(i).remoteClosed).isTrue();
      }
      assertThat(p.clientSession().openStreamCount()).isZero();
      p.assertAllReleased();
    }
  }

  @Test
  void respectsChannelWritability() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream out = p.done(p.clientSession().openStream());
      p.client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
      p.client.runPendingTasks();
      CompletableFuture<Void> w = out.write(p.buf("held"));
      p.pump();
      assertThat(w).isNotDone();
      assertThat(p.serverRecorders.get(0).size()).isZero();
      p.client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
      p.client.runPendingTasks();
      p.pump();
      assertThat(w).isCompleted();
      assertThat(p.serverRecorders.get(0).text()).isEqualTo("held");
      p.assertAllReleased();
    }
  }

  @Test
  void boundsTheQueuedBytesOfAStream() {
    YamuxConfig small = YamuxConfig.defaults().withMaxQueuedWriteBytes(1024);
    try (YamuxPair p = new YamuxPair(small, YamuxConfig.defaults())) {
      MuxedStream out = p.done(p.clientSession().openStream());
      p.client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
      p.client.runPendingTasks();
      CompletableFuture<Void> first = out.write(p.buf(new byte[4000])); // empty queue: accepted
      CompletableFuture<Void> second = out.write(p.buf(new byte[1]));
      assertThat(first).isNotDone();
      assertThat(reasonOf(second)).isEqualTo(MuxException.Reason.STREAM_LIMIT);
      p.client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
      p.client.runPendingTasks();
      p.pump();
      assertThat(first).isCompleted();
      p.assertAllReleased();
    }
  }

  @Test
  void pingMeasuresARoundTrip() {
    try (YamuxPair p = new YamuxPair()) {
      Duration rtt = p.done(p.clientSession().ping());
      assertThat(rtt.isNegative()).isFalse();
      assertThat(p.done(p.serverSession().ping()).isNegative()).isFalse();
    }
  }

  @Test
  void pingTimesOutWithoutAnAnswer() {
    YamuxConfig quick = YamuxConfig.defaults().withPingTimeout(Duration.ofSeconds(2));
    try (YamuxPair p = new YamuxPair(quick, YamuxConfig.defaults())) {
      CompletableFuture<Duration> ping = p.clientSession().ping();
      ((ByteBuf) p.client.readOutbound()).release(); // lose the request
      p.client.advanceTimeBy(3, TimeUnit.SECONDS);
      p.client.runScheduledPendingTasks();
      assertThat(reasonOf(ping)).isEqualTo(MuxException.Reason.TIMEOUT);
    }
  }

  @Test
  void goAwayRefusesNewStreamsAndClosesOnceDrained() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream out = p.done(p.clientSession().openStream());
      out.setHandler(new Recorder());
      p.serverSession().goAway();
      p.pump();
      assertThat(reasonOf(p.clientSession().openStream()))
          .isEqualTo(MuxException.Reason.REMOTE_WENT_AWAY);
      assertThat(reasonOf(p.serverSession().openStream()))
          .isEqualTo(MuxException.Reason.SESSION_CLOSED);
      // The open stream goes on.
      p.done(out.write(p.buf("still here")));
      assertThat(p.serverRecorders.get(0).text()).isEqualTo("still here");
      p.done(out.closeWrite());
      p.done(p.serverInbound.get(0).closeWrite());
      assertThat(p.serverSession().closeFuture()).isCompleted();
      assertThat(p.clientSession().closeFuture()).isCompleted();
      assertThat(p.server.isOpen()).isFalse();
      p.assertAllReleased();
    }
  }

  @Test
  void inboundStreamsBeyondTheLimitAreReset() {
    YamuxConfig two = YamuxConfig.defaults().withMaxInboundStreams(2);
    try (YamuxPair p = new YamuxPair(YamuxConfig.defaults(), two)) {
      List<MuxedStream> opened = new ArrayList<>();
      List<Recorder> recorders = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        MuxedStream s = p.done(p.clientSession().openStream());
        Recorder r = new Recorder();
        s.setHandler(r);
        opened.add(s);
        recorders.add(r);
      }
      p.pump();
      assertThat(p.serverInbound).hasSize(2);
      assertThat(recorders.get(0).reset).isNull();
      assertThat(recorders.get(2).reset.reason()).isEqualTo(MuxException.Reason.STREAM_RESET);
      assertThat(recorders.get(3).reset.reason()).isEqualTo(MuxException.Reason.STREAM_RESET);
      assertThat(p.serverSession().openStreamCount()).isEqualTo(2);
      assertThat(p.clientSession().openStreamCount()).isEqualTo(2);
      assertThat(p.serverSession().isOpen()).isTrue();
    }
  }

  @Test
  void boundsOutboundAndUnacknowledgedStreams() {
    YamuxConfig c = YamuxConfig.defaults().withMaxUnackedOutboundStreams(2);
    try (YamuxPair p = new YamuxPair(c, YamuxConfig.defaults())) {
      p.clientSession().openStream();
      p.clientSession().openStream();
      assertThat(reasonOf(p.clientSession().openStream()))
          .isEqualTo(MuxException.Reason.STREAM_LIMIT);
      p.pump(); // the server acknowledges both
      assertThat(p.done(p.clientSession().openStream()).id()).isEqualTo(5);
    }
    YamuxConfig one = YamuxConfig.defaults().withMaxOutboundStreams(1);
    try (YamuxPair p = new YamuxPair(one, YamuxConfig.defaults())) {
      MuxedStream s = p.done(p.clientSession().openStream());
      assertThat(reasonOf(p.clientSession().openStream()))
          .isEqualTo(MuxException.Reason.STREAM_LIMIT);
      s.reset();
      assertThat(p.done(p.clientSession().openStream()).id()).isEqualTo(3);
    }
  }

  @Test
  void closeResetsEveryStreamAndCompletesTheCloseFuture() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream out = p.done(p.clientSession().openStream());
      Recorder r = new Recorder();
      out.setHandler(r);
      p.client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
      p.client.runPendingTasks();
      CompletableFuture<Void> pending = out.write(p.buf("never sent"));
      CompletableFuture<Duration> ping = p.clientSession().ping();
      p.clientSession().close();
      assertThat(p.clientSession().isOpen()).isFalse();
      assertThat(p.clientSession().closeFuture()).isCompleted();
      assertThat(r.reset.reason()).isEqualTo(MuxException.Reason.SESSION_CLOSED);
      assertThat(reasonOf(pending)).isEqualTo(MuxException.Reason.SESSION_CLOSED);
      assertThat(reasonOf(ping)).isEqualTo(MuxException.Reason.SESSION_CLOSED);
      assertThat(reasonOf(p.clientSession().openStream()))
          .isEqualTo(MuxException.Reason.SESSION_CLOSED);
      p.pump();
      assertThat(p.client.isOpen()).isFalse();
      // The server heard the go-away; its stream ends when the connection does.
      assertThat(p.serverSession().isOpen()).isTrue();
      p.server.close();
      assertThat(p.serverRecorders.get(0).reset.reason())
          .isEqualTo(MuxException.Reason.SESSION_CLOSED);
      assertThat(p.serverSession().closeFuture()).isCompleted();
      p.assertAllReleased();
    }
  }

  @Test
  void aLostConnectionTearsEverythingDown() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream out = p.done(p.clientSession().openStream());
      Recorder r = new Recorder();
      out.setHandler(r);
      p.done(p.serverInbound.get(0).write(p.buf("unread")));
      out.pauseReading();
      p.done(p.serverInbound.get(0).write(p.buf("buffered")));
      p.client.close();
      assertThat(r.reset.reason()).isEqualTo(MuxException.Reason.SESSION_CLOSED);
      assertThat(p.clientSession().closeFuture()).isCompleted();
      assertThat(p.clientSession().openStreamCount()).isZero();
      p.assertAllReleased();
    }
  }

  @Test
  void callsFromOtherThreadsRunOnTheEventLoop() throws Exception {
    try (YamuxPair p = new YamuxPair()) {
      CompletableFuture<MuxedStream> opened = new CompletableFuture<>();
      Thread t =
          new Thread(
              () ->
                  p.clientSession()
                      .openStream()
                      .whenComplete(
                          (s, e) -> {
                            if (e != null) {
                              opened.completeExceptionally(e);
                            } else {
                              opened.complete(s);
                            }
                          }));
      t.start();
      t.join(5_000);
      // EmbeddedChannel's loop counts every thread as its own, so this ran inline; the point is
      // that nothing is required of the caller's thread.
      assertThat(p.done(opened).id()).isEqualTo(1);
    }
  }

  @Test
  void aWriteIntoAClosedSessionReleasesTheBuffer() {
    try (YamuxPair p = new YamuxPair()) {
      MuxedStream out = p.done(p.clientSession().openStream());
      p.clientSession().close();
      ByteBuf b = p.buf("x");
      assertThat(reasonOf(out.write(b))).isEqualTo(MuxException.Reason.STREAM_RESET);
      assertThat(b.refCnt()).isZero();
      assertThat(Unpooled.EMPTY_BUFFER.refCnt()).isEqualTo(1);
    }
  }
}
