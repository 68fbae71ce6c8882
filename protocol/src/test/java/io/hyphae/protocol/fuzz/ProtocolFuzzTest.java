package io.hyphae.protocol.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hyphae.protocol.p2p.noise.CipherFuzzTargets;
import io.hyphae.protocol.p2p.yamux.YamuxFuzzTargets;

/**
 * Every fuzz target of the protocol module behind one Jazzer fuzz test, because Jazzer fuzzes one
 * test per JVM and its agent costs tens of seconds to start: the last input byte picks the target
 * (the p2p decoders, yamux frames, a yamux session, the AEAD against the JDK's). The build runs it
 * in fuzzing mode in a JVM of its own (the {@code fuzz} Surefire execution of protocol/pom.xml,
 * docs/building.md); seeds are under {@code src/test/resources/.../ProtocolFuzzTestInputs}.
 */
class ProtocolFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void protocol(FuzzedDataProvider data) {
    switch (data.consumeInt(0, 3)) {
      case 0 -> DecoderChecks.check(data.consumeRemainingAsBytes());
      case 1 -> YamuxFuzzTargets.frames(data.consumeRemainingAsBytes());
      case 2 -> YamuxFuzzTargets.session(data);
      default -> CipherFuzzTargets.aead(data);
    }
  }
}
