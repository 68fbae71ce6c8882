package io.hyphae.protocol.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.peer.PeerId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerScoreTest {
  private static final String T = "t";
  private static final TopicScoreParams TOPIC =
      new TopicScoreParams(
          0.5, 1, 1_000, 10, 2, 0.5, 5, -1, 0.5, 20, 4, 100, 5_000, -3, 0.5, -10, 0.5);
  private static final PeerScoreParams PARAMS =
      new PeerScoreParams(
          Map.of(T, TOPIC),
          1000,
          p -> 3,
          2,
          -5,
          2,
          Set.of("1.1.1.1"),
          -1,
          2,
          0.5,
          1_000,
          0.01,
          60_000,
          100);

  private final PeerScore score = new PeerScore(PARAMS, 1000, 120_000);

  /** A real peer id from the secp256k1 key with scalar {@code n}. */
  private static PeerId peer(int n) {
    byte[] scalar = new byte[32];
    scalar[31] = (byte) n;
    return PeerId.fromPublicKey(Secp256k1PrivKey.fromBytes(scalar).publicKey());
  }

  private final PeerId a = peer(1);
  private final PeerId b = peer(2);
  private final PeerId c = peer(3);

  @Test
  void applicationScoreIsWeighted() {
    score.addPeer(a, "9.9.9.9", 0);
    assertThat(score.score(a, 0)).isEqualTo(6.0);
  }

  @Test
  void timeInMeshAndFirstDeliveriesEarnUpToTheirCaps() {
    score.addPeer(a, null, 0);
    score.graft(a, T, 0);
    score.refresh(3_000);
    // P1 = 3 quanta * 1 * topic weight 0.5; P5 = 6
    assertThat(score.score(a, 3_000)).isCloseTo(6 + 1.5, within(1e-9));
    for (int i = 0; i < 10; i++) {
      ByteKey id = ByteKey.copyOf(new byte[] {(byte) i});
      score.validateMessage(id, 3_000);
      score.deliverMessage(a, id, T, 3_000);
    }
    // P2 capped at 5 * weight 2 * topic weight 0.5 = 5; P3 not active yet
    assertThat(score.score(a, 3_000)).isCloseTo(6 + 1.5 + 5, within(1e-9));
  }

  @Test
  void meshDeliveryDeficitIsPenalisedOnceActive() {
    score.addPeer(a, null, 0);
    score.graft(a, T, 0);
    score.refresh(6_000);
    // P1 = 6 quanta * 0.5 = 3; P3 deficit 4^2 * -1 * 0.5 = -8
    assertThat(score.score(a, 6_000)).isCloseTo(6 + 3 - 8, within(1e-9));
    score.prune(a, T);
    // pruned with a deficit: sticky P3b = 16 * -3 * 0.5 = -24, no more P1/P3
    assertThat(score.score(a, 6_000)).isCloseTo(6 - 24, within(1e-9));
  }

  @Test
  void invalidMessagesCostQuadraticallyAndDecay() {
    score.addPeer(a, null, 0);
    ByteKey id = ByteKey.copyOf(new byte[] {1});
    score.validateMessage(id, 0);
    score.duplicateMessage(b, id, T, 0);
    score.addPeer(b, null, 0);
    score.duplicateMessage(b, id, T, 0);
    score.rejectMessage(a, id, T);
    score.rejectMessage(a, null, T);
    // P4 = 2^2 * -10 * 0.5 = -20
    assertThat(score.score(a, 0)).isCloseTo(6 - 20, within(1e-9));
    // b forwarded the same invalid message while it was being validated: penalised too
    assertThat(score.score(b, 0)).isCloseTo(6 - 5, within(1e-9));
    score.refresh(1_000);
    assertThat(score.score(a, 1_000)).isCloseTo(6 - 5, within(1e-9));
  }

  @Test
  void ipColocationPenalisesPeersBeyondTheThresholdUnlessWhitelisted() {
    score.addPeer(a, "2.2.2.2", 0);
    score.addPeer(b, "2.2.2.2", 0);
    assertThat(score.score(a, 0)).isEqualTo(6.0);
    score.addPeer(c, "2.2.2.2", 0);
    assertThat(score.score(a, 0)).isEqualTo(6.0 - 5);
    PeerId d = peer(4);
    PeerId e = peer(5);
    PeerId f = peer(6);
    score.addPeer(d, "1.1.1.1", 0);
    score.addPeer(e, "1.1.1.1", 0);
    score.addPeer(f, "1.1.1.1", 0);
    assertThat(score.score(d, 0)).isEqualTo(6.0);
  }

  @Test
  void behaviourPenaltyCountsAboveItsThreshold() {
    score.addPeer(a, null, 0);
    score.addPenalty(a, 2);
    assertThat(score.score(a, 0)).isEqualTo(6.0);
    score.addPenalty(a, 3);
    assertThat(score.score(a, 0)).isEqualTo(6.0 - 9);
  }

  @Test
  void negativeScoreIsRetainedAcrossReconnects() {
    score.addPeer(a, null, 0);
    score.addPenalty(a, 12);
    double before = score.score(a, 0);
    score.removePeer(a, 0);
    score.addPeer(a, null, 10);
    assertThat(score.score(a, 10)).isEqualTo(before);
  }
}
