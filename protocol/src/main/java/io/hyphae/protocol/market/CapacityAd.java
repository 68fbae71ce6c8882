package io.hyphae.protocol.market;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.MarketProto;
import java.math.BigInteger;
import java.util.List;

/**
 * A provider's capacity advertisement: who (peer id and Ethereum address), what hardware, which
 * models at which price per shard and measured throughput, free slots, stake, and its validity
 * window. Amounts are wei.
 */
public record CapacityAd(
    PeerId peerId,
    byte[] ethAddress,
    Hardware hardware,
    List<ModelOffer> models,
    int freeSlots,
    BigInteger stakeWei,
    long issuedAtMs,
    long expiresAtMs,
    long sequence) {

  public CapacityAd {
    ethAddress = ethAddress.clone();
    models = List.copyOf(models);
    if (ethAddress.length != 20) {
      throw new IllegalArgumentException("Ethereum address must be 20 bytes");
    }
    if (freeSlots < 0 || stakeWei.signum() < 0 || expiresAtMs <= issuedAtMs) {
      throw new IllegalArgumentException("negative slots or stake, or expiry before issue");
    }
  }

  /** Hardware summary. */
  public record Hardware(
      String cpu, int cpuCores, long memoryBytes, String gpu, int gpuCount, long gpuMemoryBytes) {}

  /** One model a provider serves. */
  public record ModelOffer(
      ByteKey modelHash,
      ByteKey profileHash,
      BigInteger pricePerShardWei,
      long throughputMilliRowsPerSecond) {}

  @Override
  public byte[] ethAddress() {
    return ethAddress.clone();
  }

  MarketProto.CapacityAd toProto() {
    MarketProto.CapacityAd.Builder b =
        MarketProto.CapacityAd.newBuilder()
            .setPeerId(ByteString.copyFrom(peerId.toBytes()))
            .setEthAddress(ByteString.copyFrom(ethAddress))
            .setHardware(
                MarketProto.Hardware.newBuilder()
                    .setCpu(hardware.cpu())
                    .setCpuCores(hardware.cpuCores())
                    .setMemoryBytes(hardware.memoryBytes())
                    .setGpu(hardware.gpu())
                    .setGpuCount(hardware.gpuCount())
                    .setGpuMemoryBytes(hardware.gpuMemoryBytes()))
            .setFreeSlots(freeSlots)
            .setStakeWei(ByteString.copyFrom(unsigned(stakeWei)))
            .setIssuedAtMs(issuedAtMs)
            .setExpiresAtMs(expiresAtMs)
            .setSequence(sequence);
    for (ModelOffer m : models) {
      b.addModels(
          MarketProto.ModelOffer.newBuilder()
              .setModelHash(ByteString.copyFrom(m.modelHash().toBytes()))
              .setProfileHash(ByteString.copyFrom(m.profileHash().toBytes()))
              .setPricePerShardWei(ByteString.copyFrom(unsigned(m.pricePerShardWei())))
              .setThroughputMilliRowsPerS(m.throughputMilliRowsPerSecond()));
    }
    return b.build();
  }

  /** Decodes with limits checked; throws {@link AdException} on any violation. */
  static CapacityAd fromProto(MarketProto.CapacityAd p, AdLimits limits) throws AdException {
    if (p.getModelsCount() > limits.maxModels()) {
      throw new AdException(AdException.Reason.LIMITS, "too many models: " + p.getModelsCount());
    }
    MarketProto.Hardware h = p.getHardware();
    if (h.getCpu().length() > limits.maxStringLength()
        || h.getGpu().length() > limits.maxStringLength()) {
      throw new AdException(AdException.Reason.LIMITS, "hardware description too long");
    }
    if (p.getEthAddress().size() != 20) {
      throw new AdException(AdException.Reason.MALFORMED, "Ethereum address must be 20 bytes");
    }
    if (p.getExpiresAtMs() <= p.getIssuedAtMs() || p.getFreeSlots() > Integer.MAX_VALUE) {
      throw new AdException(AdException.Reason.MALFORMED, "expiry before issue or bad slots");
    }
    PeerId peer;
    try {
      peer = PeerId.fromBytes(p.getPeerId().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new AdException(AdException.Reason.MALFORMED, "bad peer id");
    }
    List<ModelOffer> models = new java.util.ArrayList<>();
    for (MarketProto.ModelOffer m : p.getModelsList()) {
      if (m.getModelHash().isEmpty()
          || m.getModelHash().size() > limits.maxHashLength()
          || m.getProfileHash().size() > limits.maxHashLength()) {
        throw new AdException(AdException.Reason.LIMITS, "model or profile hash length");
      }
      models.add(
          new ModelOffer(
              ByteKey.copyOf(m.getModelHash().toByteArray()),
              ByteKey.copyOf(m.getProfileHash().toByteArray()),
              amount(m.getPricePerShardWei()),
              m.getThroughputMilliRowsPerS()));
    }
    return new CapacityAd(
        peer,
        p.getEthAddress().toByteArray(),
        new Hardware(
            h.getCpu(),
            h.getCpuCores(),
            h.getMemoryBytes(),
            h.getGpu(),
            h.getGpuCount(),
            h.getGpuMemoryBytes()),
        models,
        p.getFreeSlots(),
        amount(p.getStakeWei()),
        p.getIssuedAtMs(),
        p.getExpiresAtMs(),
        p.getSequence());
  }

  private static BigInteger amount(ByteString b) throws AdException {
    if (b.size() > 32) {
      throw new AdException(AdException.Reason.LIMITS, "amount longer than 32 bytes");
    }
    return new BigInteger(1, b.toByteArray());
  }

  private static byte[] unsigned(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new IllegalArgumentException("amount must fit in uint256");
    }
    if (v.signum() == 0) {
      return new byte[0];
    }
    byte[] b = v.toByteArray();
    return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }
}
