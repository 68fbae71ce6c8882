package io.hyphae.protocol.market;

import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.peer.PeerId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The latest unexpired capacity ad per provider, bounded by {@code maxProviders} (when full, the ad
 * expiring soonest makes room). Answers provider queries. Not thread-safe: fed on the router
 * thread, or wrap it.
 */
public final class MarketView {
  private final Map<PeerId, CapacityAd> ads = new HashMap<>();
  // The advertiser-signed encoding of each ad that came with one (what a snapshot hands on).
  private final Map<PeerId, byte[]> signed = new HashMap<>();
  private final LongSupplier wallClockMillis;
  private final int maxProviders;

  /** One provider's offer of one model. */
  public record Offer(
      PeerId provider,
      byte[] ethAddress,
      BigInteger pricePerShardWei,
      long throughputMilliRowsPerSecond,
      int freeSlots,
      long expiresAtMs) {}

  public MarketView(LongSupplier wallClockMillis, int maxProviders) {
    this.wallClockMillis = wallClockMillis;
    this.maxProviders = maxProviders;
  }

  /** Keeps {@code ad} if it is newer than the provider's current one; false otherwise. */
  public boolean put(CapacityAd ad) {
    return put(ad, null);
  }

  /**
   * As {@link #put(CapacityAd)}, keeping {@code signedEncoding} (the {@code SignedCapacityAd} the
   * ad was decoded from) to hand on in {@link #signedAds(int)}.
   */
  public boolean put(CapacityAd ad, byte[] signedEncoding) {
    long now = wallClockMillis.getAsLong();
    if (ad.expiresAtMs() <= now) {
      return false;
    }
    CapacityAd current = ads.get(ad.peerId());
    if (current != null && current.sequence() >= ad.sequence()) {
      return false;
    }
    if (current == null && ads.size() >= maxProviders) {
      expire();
      if (ads.size() >= maxProviders) {
        PeerId soonest =
            ads.values().stream()
                .min(Comparator.comparingLong(CapacityAd::expiresAtMs))
                .orElseThrow()
                .peerId();
        if (ads.get(soonest).expiresAtMs() >= ad.expiresAtMs()) {
          return false;
        }
        ads.remove(soonest);
        signed.remove(soonest);
      }
    }
    ads.put(ad.peerId(), ad);
    if (signedEncoding != null) {
      signed.put(ad.peerId(), signedEncoding.clone());
    } else {
      signed.remove(ad.peerId());
    }
    return true;
  }

  /** Drops expired ads; returns how many. */
  public int expire() {
    long now = wallClockMillis.getAsLong();
    int before = ads.size();
    ads.values().removeIf(ad -> ad.expiresAtMs() <= now);
    signed.keySet().retainAll(ads.keySet());
    return before - ads.size();
  }

  /** Every unexpired ad, soonest expiring first. */
  public List<CapacityAd> ads() {
    expire();
    List<CapacityAd> out = new ArrayList<>(ads.values());
    out.sort(Comparator.comparingLong(CapacityAd::expiresAtMs));
    return out;
  }

  /** The signed encodings of the unexpired ads that came with one (at most {@code max}). */
  public List<byte[]> signedAds(int max) {
    expire();
    List<byte[]> out = new ArrayList<>();
    for (byte[] b : signed.values()) {
      if (out.size() >= max) {
        break;
      }
      out.add(b.clone());
    }
    return out;
  }

  public Optional<CapacityAd> latest(PeerId provider) {
    CapacityAd ad = ads.get(provider);
    return ad == null || ad.expiresAtMs() <= wallClockMillis.getAsLong()
        ? Optional.empty()
        : Optional.of(ad);
  }

  public int size() {
    return ads.size();
  }

  /**
   * Providers of {@code modelHash} at or below {@code maxPricePerShardWei} with at least {@code
   * minFreeSlots} free, fastest first (ties: cheaper first).
   */
  public List<Offer> providersOf(
      ByteKey modelHash, BigInteger maxPricePerShardWei, int minFreeSlots) {
    expire();
    List<Offer> out = new ArrayList<>();
    for (CapacityAd ad : ads.values()) {
      if (ad.freeSlots() < minFreeSlots) {
        continue;
      }
      for (CapacityAd.ModelOffer m : ad.models()) {
        if (m.modelHash().equals(modelHash)
            && m.pricePerShardWei().compareTo(maxPricePerShardWei) <= 0) {
          out.add(
              new Offer(
                  ad.peerId(),
                  ad.ethAddress(),
                  m.pricePerShardWei(),
                  m.throughputMilliRowsPerSecond(),
                  ad.freeSlots(),
                  ad.expiresAtMs()));
        }
      }
    }
    out.sort(
        Comparator.comparingLong(Offer::throughputMilliRowsPerSecond)
            .reversed()
            .thenComparing(Offer::pricePerShardWei));
    return out;
  }
}
