package io.hyphae.protocol.market;

import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.pubsub.GossipsubRouter;
import io.hyphae.protocol.p2p.pubsub.PubsubMessage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires market discovery into a gossipsub router: installs the ad validator on {@link #TOPIC},
 * subscribes, feeds accepted ads into the {@link MarketView}, and publishes our own ads.
 */
public final class CapacityMarket {
  public static final String TOPIC = "hyphae/capacity/1";
  private static final Logger LOG = LoggerFactory.getLogger(CapacityMarket.class);

  private final GossipsubRouter router;
  private final CapacityAdValidator validator;
  private final MarketView view;
  private final AdLimits limits;
  private Accepted lastAccepted;

  private record Accepted(ByteKey messageId, CapacityAd ad) {}

  private final java.util.List<java.util.function.Consumer<CapacityAd>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public CapacityMarket(GossipsubRouter router, AdLimits limits, LongSupplier wallClockMillis) {
    this.router = router;
    this.limits = limits;
    this.validator = new CapacityAdValidator(limits, wallClockMillis);
    this.view = new MarketView(wallClockMillis, limits.maxAdvertisers());
    router.addValidator(
        TOPIC,
        (from, message) -> {
          // Keep the decoded ad of an accepted message for onAd, which runs right after.
          try {
            lastAccepted = new Accepted(message.messageId(), validator.check(message));
            return io.hyphae.protocol.p2p.pubsub.ValidationResult.ACCEPT;
          } catch (AdException e) {
            lastAccepted = null;
            return validator.verdict(from, message, e);
          }
        });
    router.subscribe(TOPIC, this::onAd);
  }

  private void onAd(PubsubMessage message) {
    try {
      CapacityAd ad = SignedAds.verify(message.data(), limits);
      update(ad, message.data());
    } catch (AdException e) {
      LOG.debug("accepted ad failed to decode for the view: {}", e.getMessage());
    }
  }

  private boolean update(CapacityAd ad, byte[] signed) {
    if (!view.put(ad, signed)) {
      return false;
    }
    for (java.util.function.Consumer<CapacityAd> l : listeners) {
      try {
        l.accept(ad);
      } catch (RuntimeException e) {
        LOG.warn("capacity ad listener failed", e);
      }
    }
    return true;
  }

  /**
   * Takes a signed ad that came outside gossip (a peer's market snapshot) after the stateless
   * checks; true when it updated the view. Not forwarded: its advertiser gossiped it already.
   */
  public boolean accept(byte[] signedAd) throws AdException {
    return update(validator.checkSigned(signedAd), signedAd);
  }

  /** Signs and publishes our ad; our own view takes it too. */
  public ByteKey publish(PrivKey self, CapacityAd ad) {
    return router.publish(TOPIC, SignedAds.sign(self, ad));
  }

  /** Called on the router thread with each ad that updated the view. */
  public void addListener(java.util.function.Consumer<CapacityAd> listener) {
    listeners.add(listener);
  }

  public MarketView view() {
    return view;
  }
}
