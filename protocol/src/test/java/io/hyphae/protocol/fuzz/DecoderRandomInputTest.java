package io.hyphae.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.JsVectors;
import io.hyphae.protocol.LeakRecorder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fuzz checks on seeded random input and on mutations of valid js-generated messages. */
class DecoderRandomInputTest {

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    HexFormat hex = HexFormat.of();
    JsVectors.get("multiaddrs")
        .forEach(v -> seeds.add(tagged(1, hex.parseHex(v.get("bytes").asText()))));
    JsVectors.get("multistream")
        .forEach(v -> seeds.add(tagged(0, hex.parseHex(v.get("bytes").asText()))));
    for (String k : List.of("ed25519", "secp256k1")) {
      var v = JsVectors.get(k);
      seeds.add(tagged(2, JsVectors.hex(v, "peerIdBytes")));
      seeds.add(tagged(3, JsVectors.hex(v, "publicProtobuf")));
    }
    JsVectors.get("noise")
        .forEach(
            v -> {
              seeds.add(tagged(6, JsVectors.hex(v, "responderPayload")));
              seeds.add(tagged(7, JsVectors.hex(v, "messageB")));
              byte[] c = JsVectors.hex(v, "messageC");
              byte[] framed = new byte[c.length + 2];
              framed[0] = (byte) (c.length >> 8);
              framed[1] = (byte) c.length;
              System.arraycopy(c, 0, framed, 2, c.length);
              seeds.add(tagged(8, framed));
            });
    return seeds;
  }

  private static byte[] tagged(int decoder, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) decoder;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  @Test
  void decodersRefuseRandomAndMutatedInputWithTypedErrors() {
    Random random = new Random(7);
    List<byte[]> seeds = seeds();
    for (int i = 0; i < 6_000; i++) {
      byte[] input;
      if (i % 3 == 0) {
        input = new byte[random.nextInt(96)];
        random.nextBytes(input);
      } else {
        input = seeds.get(random.nextInt(seeds.size())).clone();
        for (int flips = random.nextInt(4); flips > 0; flips--) {
          int at = 1 + random.nextInt(Math.max(1, input.length - 1));
          if (at < input.length) {
            input[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        if (random.nextInt(4) == 0) {
          input = java.util.Arrays.copyOf(input, 1 + random.nextInt(input.length));
        }
      }
      try {
        DecoderChecks.check(input);
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("input " + HexFormat.of().formatHex(input), e);
      }
    }
    assertThat(LeakRecorder.collect()).isEmpty();
  }
}
