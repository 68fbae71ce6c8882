package io.hyphae.protocol.p2p.yamux;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Jazzer fuzz tests of the frame decoder and of a whole session, each bounded to 10 s of fuzzing.
 * Run one at a time: {@code JAZZER_FUZZ=1 ./mvnw -pl protocol test
 * -Dtest='YamuxFrameFuzzTest#decoder'} (or {@code #session}). The normal build skips them: Jazzer's
 * agent instruments every class of the test JVM (about 45 s on our 2-core machines, and it slows
 * the other tests of the fork); {@link YamuxRandomInputTest} runs the same checks with seeded
 * random input instead.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
class YamuxFrameFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decoder(byte[] input) {
    checkDecoder(input);
  }

  /** Decodes frames until the input ends or is refused; checks each frame and the release. */
  static void checkDecoder(byte[] input) {
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

  @FuzzTest(maxDuration = "10s")
  void session(FuzzedDataProvider data) {
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
