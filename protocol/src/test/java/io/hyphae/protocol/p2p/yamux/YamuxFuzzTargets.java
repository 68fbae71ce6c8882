package io.hyphae.protocol.p2p.yamux;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The yamux fuzz targets, driven by Jazzer from {@code io.hyphae.protocol.fuzz.ProtocolFuzzTest}
 * and by {@link YamuxRandomInputTest} with seeded random input.
 */
public final class YamuxFuzzTargets {
  private YamuxFuzzTargets() {}

  /** Decodes frames until the input ends or is refused; checks each frame and the release. */
  public static void frames(byte[] input) {
    YamuxFrameCodec codec = new YamuxFrameCodec(1024);
    ByteBuf in = Unpooled.buffer(input.length).writeBytes(input); // never the shared empty buffer
    try {
      for (YamuxFrame f; (f = codec.decode(in)) != null; ) {
        try {
          boolean data = f.type() == YamuxFrame.Type.DATA;
          if (f.payload().readableBytes() != (data ? f.length() : 0)) {
            throw new AssertionError("payload does not match the header: " + f);
          }
          if (data == (f.streamId() == 0) && f.type() != YamuxFrame.Type.WINDOW_UPDATE) {
            throw new AssertionError("stream id rule broken: " + f);
          }
        } finally {
          f.payload().release();
        }
      }
    } catch (YamuxProtocolException expected) {
      // malformed input is refused with a typed error
    } finally {
      in.release();
    }
    if (in.refCnt() != 0) {
      throw new AssertionError("input not released");
    }
  }

  /** A listener or dialer session fed fuzzer-chosen bytes and application calls. */
  public static void session(FuzzedDataProvider data) {
    SessionScript.run(
        new SessionScript.Choices() {
          @Override
          public int pick(int bound) {
            return bound <= 1 ? 0 : data.consumeInt(0, bound - 1);
          }

          @Override
          public byte[] bytes(int maxLength) {
            return data.consumeBytes(maxLength);
          }

          @Override
          public boolean more() {
            return data.remainingBytes() > 0;
          }
        });
  }
}
