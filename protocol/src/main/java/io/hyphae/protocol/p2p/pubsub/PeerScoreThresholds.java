package io.hyphae.protocol.p2p.pubsub;

/**
 * Score thresholds: below {@code gossip} no gossip is exchanged with the peer, below {@code
 * publish} it gets no flood-published messages, below {@code graylist} all its RPCs are ignored. PX
 * from a pruning peer is accepted only at or above {@code acceptPx}.
 */
public record PeerScoreThresholds(
    double gossip, double publish, double graylist, double acceptPx, double opportunisticGraft) {

  public PeerScoreThresholds {
    if (!(gossip <= 0 && publish <= gossip && graylist < publish)) {
      throw new IllegalArgumentException("need graylist < publish <= gossip <= 0");
    }
    if (acceptPx < 0 || opportunisticGraft < 0) {
      throw new IllegalArgumentException("acceptPx and opportunisticGraft must be >= 0");
    }
  }

  public static PeerScoreThresholds defaults() {
    return new PeerScoreThresholds(-10, -50, -80, 10, 5);
  }
}
