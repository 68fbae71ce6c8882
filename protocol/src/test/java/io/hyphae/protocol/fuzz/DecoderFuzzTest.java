package io.hyphae.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Jazzer fuzzing of every p2p decoder (multistream, multiaddr, peer id, keys, length prefix,
 * identify, Noise payload, handshake messages and frames, text forms), bounded to 10 s. Run on
 * demand: {@code JAZZER_FUZZ=1 ./mvnw -pl protocol test -Dtest=DecoderFuzzTest}. The normal build
 * skips it (Jazzer's agent instruments the whole test JVM, which costs tens of seconds on our
 * 2-core machines); {@link DecoderRandomInputTest} runs the same checks on seeded random and
 * mutated input in every build.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
class DecoderFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decoders(byte[] input) {
    DecoderChecks.check(input);
  }
}
