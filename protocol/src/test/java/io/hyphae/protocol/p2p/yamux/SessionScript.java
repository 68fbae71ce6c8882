package io.hyphae.protocol.p2p.yamux;

import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Drives one listener session with input chosen by a fuzzer or a seeded random source: raw bytes
 * (often valid frame headers, so the fuzzer gets past the first check) in any fragmentation, mixed
 * with application calls. Checks that no exception escapes, that the session never fails with a bug
 * of ours, that a session that ended is closed, and that every input buffer is released.
 */
final class SessionScript {

  /** Where the choices come from. */
  interface Choices {
    /** A number in [0, bound). */
    int pick(int bound);

    byte[] bytes(int maxLength);

    boolean more();
  }

  static void run(Choices c) {
    List<MuxedStream> streams = new ArrayList<>();
    List<ByteBuf> inputs = new ArrayList<>();
    StringBuilder trace = new StringBuilder();
    YamuxConfig config = YamuxConfig.defaults().withMaxInboundStreams(4).withMaxOutboundStreams(4);
    YamuxHandler handler =
        new YamuxHandler(
            c.pick(2) == 0,
            config,
            s -> {
              streams.add(s);
              s.setHandler(new Recorder());
            });
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    try {
      int steps = 0;
      while (c.more() && steps++ < 200 && channel.isOpen()) {
        int action = c.pick(10);
        trace.append(action).append(' ');
        switch (action) {
          case 0, 1, 2 -> {
            ByteBuf b = Unpooled.buffer();
            int type = c.pick(5); // 4: an unknown type
            int flags = c.pick(17);
            int id = c.pick(4) == 0 ? c.pick(Integer.MAX_VALUE) : c.pick(12);
            long length = c.pick(3) == 0 ? c.pick(Integer.MAX_VALUE) : c.pick(300);
            b.writeByte(c.pick(8) == 0 ? 1 : 0)
                .writeByte(type)
                .writeShort(flags)
                .writeInt(id)
                .writeInt((int) length);
            trace
                .append(
                    new YamuxFrame.Type[] {
                          YamuxFrame.Type.DATA,
                          YamuxFrame.Type.WINDOW_UPDATE,
                          YamuxFrame.Type.PING,
                          YamuxFrame.Type.GO_AWAY,
                          YamuxFrame.Type.DATA
                        }
                        [type])
                .append(type == 4 ? "?" : "")
                .append('/')
                .append(YamuxFrame.flagNames(flags))
                .append('/')
                .append(id)
                .append('/')
                .append(length)
                .append('\n');
            if (type == 0) {
              b.writeBytes(new byte[(int) Math.min(length, 300)]);
            }
            feed(channel, inputs, b, c);
          }
          case 3 -> feed(channel, inputs, Unpooled.wrappedBuffer(c.bytes(40)), c);
          case 4 ->
              handler
                  .session()
                  .openStream()
                  .thenAccept(
                      s -> {
                        streams.add(s);
                        s.setHandler(new Recorder());
                      });
          case 5 -> {
            if (!streams.isEmpty()) {
              ByteBuf data = Unpooled.buffer().writeZero(c.pick(70_000));
              inputs.add(data);
              streams.get(c.pick(streams.size())).write(data);
            }
          }
          case 6 -> {
            if (!streams.isEmpty()) {
              MuxedStream s = streams.get(c.pick(streams.size()));
              int op = c.pick(4);
              trace.append("op ").append(op).append(" on ").append(s).append('\n');
              switch (op) {
                case 0 -> s.pauseReading();
                case 1 -> s.resumeReading();
                case 2 -> s.closeWrite();
                default -> s.reset();
              }
            }
          }
          case 7 -> handler.session().ping();
          case 8 -> {
            if (c.pick(4) == 0) {
              handler.session().goAway();
            }
          }
          default -> {
            // The remote reads what we wrote.
            for (Object o; (o = channel.readOutbound()) != null; ) {
              ((ByteBuf) o).release();
            }
          }
        }
      }
      if (handler.yamuxSession().bug() != null) {
        throw new AssertionError("session failed with a bug", handler.yamuxSession().bug());
      }
      if (!handler.session().isOpen() && channel.isOpen()) {
        throw new AssertionError("session ended but the connection stays open");
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).refCnt() != 0 && inputs.get(i) != Unpooled.EMPTY_BUFFER) {
        throw new AssertionError(
            "input buffer " + i + " not released: " + inputs.get(i) + "\n" + trace);
      }
    }
  }

  private static void feed(EmbeddedChannel channel, List<ByteBuf> inputs, ByteBuf b, Choices c) {
    inputs.add(b);
    if (!channel.isOpen()) {
      b.release();
      return;
    }
    // Cut the bytes at a chosen point: frames arrive in any fragmentation.
    int cut = b.readableBytes() == 0 ? 0 : c.pick(b.readableBytes() + 1);
    ByteBuf head = b.readRetainedSlice(cut);
    channel.writeInbound(head);
    if (channel.isOpen()) {
      channel.writeInbound(b);
    } else {
      b.release();
    }
  }

  /** Choices from a seeded random source. */
  static Choices random(java.util.Random random, int budget) {
    int[] left = {budget};
    IntUnaryOperator pick = bound -> bound <= 1 ? 0 : random.nextInt(bound);
    return new Choices() {
      @Override
      public int pick(int bound) {
        left[0]--;
        return pick.applyAsInt(bound);
      }

      @Override
      public byte[] bytes(int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
      }

      @Override
      public boolean more() {
        return left[0] > 0;
      }
    };
  }
}
