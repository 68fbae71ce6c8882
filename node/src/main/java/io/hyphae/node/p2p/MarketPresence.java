package io.hyphae.node.p2p;

import io.hyphae.node.hardware.GpuInfo;
import io.hyphae.node.hardware.HardwareReport;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.job.Capabilities;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.market.CapacityAd;
import io.hyphae.protocol.market.DiscoveryNode;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node as the market sees it on the network: gossipsub, Kademlia and capacity ads through a
 * {@link DiscoveryNode} on the node's host. The ad offers every model and profile the node serves
 * at its asking price, with its hardware, free shard slots and stake; each model hash is announced
 * as a DHT provider record, so requesters find the node by model (docs/discovery.md).
 */
public final class MarketPresence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MarketPresence.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final DiscoveryNode discovery;

  private MarketPresence(DiscoveryNode discovery) {
    this.discovery = discovery;
  }

  /**
   * Joins through the bootstrap peers (unreachable ones are logged, not fatal), starts advertising
   * and announces the models.
   *
   * @param freeSlots shard slots free now (read each time an ad is made)
   * @param stake the provider's stake as last known (read each time an ad is made)
   */
  public static MarketPresence start(
      P2pService p2p,
      NodeIdentity identity,
      List<String> bootstrap,
      HardwareReport hardware,
      Capabilities capabilities,
      BigInteger pricePerShardWei,
      IntSupplier freeSlots,
      Supplier<BigInteger> stake) {
    DiscoveryNode discovery;
    try {
      discovery =
          DiscoveryNode.start(
                  p2p.host(),
                  identity.p2pKey(),
                  DiscoveryNode.Config.defaults(bootstrap.stream().map(Multiaddr::parse).toList()))
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("market discovery did not start: " + e, e);
    }
    MarketPresence presence = new MarketPresence(discovery);
    CapacityAd.Hardware summary = summary(hardware);
    List<CapacityAd.ModelOffer> offers = offers(capabilities, pricePerShardWei);
    discovery
        .advertise(
            () ->
                new DiscoveryNode.Capacity(
                    summary, offers, Math.max(0, freeSlots.getAsInt()), stake.get()))
        .whenComplete(
            (ad, e) -> {
              if (e != null) {
                LOG.warn("capacity ad not published: {}", e.toString());
              }
            });
    for (Bytes32 model : capabilities.models().keySet()) {
      discovery
          .announceModel(key(model))
          .whenComplete(
              (peers, e) -> {
                if (e != null) {
                  LOG.debug("model {} not announced yet: {}", model, e.toString());
                }
              });
    }
    return presence;
  }

  public DiscoveryNode discovery() {
    return discovery;
  }

  static List<CapacityAd.ModelOffer> offers(Capabilities capabilities, BigInteger price) {
    List<CapacityAd.ModelOffer> offers = new ArrayList<>();
    for (Bytes32 model : capabilities.models().keySet()) {
      for (ExecutionProfile profile : capabilities.profiles()) {
        // Throughput is not measured at start yet: 0 says "unknown" (docs/discovery.md).
        offers.add(new CapacityAd.ModelOffer(key(model), key(profile.hash()), price, 0));
      }
    }
    return offers;
  }

  static CapacityAd.Hardware summary(HardwareReport report) {
    List<GpuInfo> gpus = report.gpus();
    return new CapacityAd.Hardware(
        report.cpuModel(),
        report.cpuCores(),
        report.memoryTotalBytes(),
        gpus.isEmpty() ? "" : gpus.get(0).name(),
        gpus.size(),
        gpus.stream().mapToLong(g -> g.memoryTotalMiB() << 20).sum());
  }

  private static ByteKey key(Bytes32 hash) {
    return ByteKey.copyOf(hash.toArray());
  }

  @Override
  public void close() {
    discovery.close();
  }
}
