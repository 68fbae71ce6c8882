package io.hyphae.protocol.market;

import io.hyphae.protocol.p2p.pubsub.MessageValidator;
import io.hyphae.protocol.p2p.pubsub.PubsubMessage;
import io.hyphae.protocol.p2p.pubsub.ValidationResult;
import io.hyphae.protocol.peer.PeerId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gossipsub validation hook of {@code hyphae/capacity/1}: an ad is forwarded only when it is
 * signed by its advertiser, published by the advertiser itself, within its lifetime, within the
 * size limits, newer than the advertiser's last ad and not sooner than {@code minIntervalMs} after
 * it. Faults a correct peer cannot commit are REJECT (P4 penalty); expiry, staleness and rate
 * excess are IGNORE. Per-advertiser state is an LRU bounded by {@code maxAdvertisers}.
 */
public final class CapacityAdValidator implements MessageValidator {
  private static final Logger LOG = LoggerFactory.getLogger(CapacityAdValidator.class);

  private final AdLimits limits;
  private final LongSupplier wallClockMillis;
  private final LinkedHashMap<PeerId, long[]> lastSeen;

  public CapacityAdValidator(AdLimits limits, LongSupplier wallClockMillis) {
    this.limits = limits;
    this.wallClockMillis = wallClockMillis;
    this.lastSeen =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<PeerId, long[]> eldest) {
            return size() > limits.maxAdvertisers();
          }
        };
  }

  @Override
  public ValidationResult validate(PeerId receivedFrom, PubsubMessage message) {
    try {
      check(message);
      return ValidationResult.ACCEPT;
    } catch (AdException e) {
      return verdict(receivedFrom, message, e);
    }
  }

  /** The gossip verdict for a refused ad, logged once at DEBUG. */
  ValidationResult verdict(PeerId receivedFrom, PubsubMessage message, AdException e) {
    LOG.debug(
        "capacity ad from {} via {} refused: {} ({})",
        message.from(),
        receivedFrom,
        e.reason(),
        e.getMessage());
    return e.reason().isPenalised() ? ValidationResult.REJECT : ValidationResult.IGNORE;
  }

  /** Full check of one gossiped ad; records it as the advertiser's latest when it passes. */
  public CapacityAd check(PubsubMessage message) throws AdException {
    CapacityAd ad = SignedAds.verify(message.data(), limits);
    if (!ad.peerId().equals(message.from())) {
      throw new AdException(
          AdException.Reason.WRONG_ADVERTISER, "ad published by another peer than its advertiser");
    }
    long now = checkTimes(ad);
    long[] last = lastSeen.get(ad.peerId());
    if (last != null) {
      if (ad.sequence() <= last[0]) {
        throw new AdException(AdException.Reason.STALE, "sequence not newer than " + last[0]);
      }
      if (now - last[1] < limits.minIntervalMs()) {
        throw new AdException(AdException.Reason.RATE_LIMITED, "too soon after the last ad");
      }
    }
    lastSeen.put(ad.peerId(), new long[] {ad.sequence(), now});
    return ad;
  }

  /**
   * The stateless checks of an ad handed on outside gossip (a market snapshot): signature, Ethereum
   * address, sizes, lifetime and expiry. Rate and sequence are the view's business.
   */
  public CapacityAd checkSigned(byte[] signedAd) throws AdException {
    CapacityAd ad = SignedAds.verify(signedAd, limits);
    checkTimes(ad);
    return ad;
  }

  /** Lifetime, expiry and clock skew; returns the time checked against. */
  private long checkTimes(CapacityAd ad) throws AdException {
    long now = wallClockMillis.getAsLong();
    if (ad.expiresAtMs() - ad.issuedAtMs() > limits.maxTtlMs()) {
      throw new AdException(AdException.Reason.TTL_TOO_LONG, "lifetime over the limit");
    }
    if (ad.expiresAtMs() <= now) {
      throw new AdException(AdException.Reason.EXPIRED, "expired");
    }
    if (ad.issuedAtMs() > now + limits.maxClockSkewMs()) {
      throw new AdException(AdException.Reason.NOT_YET_VALID, "issued in the future");
    }
    return now;
  }
}
