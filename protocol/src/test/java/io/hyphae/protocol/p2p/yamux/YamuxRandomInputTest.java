package io.hyphae.protocol.p2p.yamux;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fuzz checks with seeded random input, so every build runs them for a moment. */
class YamuxRandomInputTest {

  @Test
  void decoderRefusesOrDecodesRandomAndMutatedInput() {
    Random random = new Random(42);
    byte[] valid =
        io.netty.buffer.ByteBufUtil.decodeHexDump(
            "000000010000000100000003616263"
                + "000100060000000100010000"
                + "00020001000000000000002a");
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[random.nextInt(64)];
        random.nextBytes(input);
      } else {
        input = valid.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
          input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
        }
        input = java.util.Arrays.copyOf(input, random.nextInt(input.length + 1));
      }
      YamuxFuzzTargets.frames(input);
    }
  }

  @Test
  void sessionsSurviveRandomFramesAndCalls() {
    for (int seed = Integer.getInteger("yamux.seed", 0);
        seed < Integer.getInteger("yamux.seedEnd", 300);
        seed++) {
      try {
        SessionScript.run(SessionScript.random(new Random(seed), 400));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed, e);
      }
    }
  }
}
