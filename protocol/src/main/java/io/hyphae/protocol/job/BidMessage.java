package io.hyphae.protocol.job;

import io.hyphae.protocol.proto.JobProto;
import java.math.BigInteger;
import java.util.Locale;

/**
 * A signed bid as it travels on {@code /hyphae/bid/1.0.0}: the contract's {@code Bid} struct and
 * the provider's 65-byte EIP-712 signature over it (checked by the receiver against the contract's
 * domain, which this module does not know).
 */
public record BidMessage(
    BigInteger jobId,
    String provider,
    int firstShard,
    int shardCount,
    int replica,
    BigInteger pricePerShard,
    BigInteger collateral,
    long expiry,
    byte[] signature) {

  public BidMessage {
    provider = provider.toLowerCase(Locale.ROOT);
    signature = signature.clone();
    if (firstShard < 0 || shardCount < 1 || replica < 0 || expiry < 0) {
      throw new IllegalArgumentException("bid shard range, replica and expiry must be positive");
    }
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public JobProto.BidOffer toProto() {
    return JobProto.BidOffer.newBuilder()
        .setJobId(WireValues.uint256(jobId))
        .setProvider(WireValues.address(provider))
        .setFirstShard(firstShard)
        .setShardCount(shardCount)
        .setReplica(replica)
        .setPricePerShardWei(WireValues.uint256(pricePerShard))
        .setCollateralWei(WireValues.uint256(collateral))
        .setExpiry(expiry)
        .setSignature(com.google.protobuf.ByteString.copyFrom(signature))
        .build();
  }

  /**
   * @throws WireValues.WireFormatException naming the first malformed field
   */
  public static BidMessage fromProto(JobProto.BidOffer p) {
    if (p.getShardCount() == 0) {
      throw new WireValues.WireFormatException("shard_count is 0");
    }
    if (p.getFirstShard() < 0 || p.getShardCount() < 0 || p.getReplica() < 0 || p.getExpiry() < 0) {
      throw new WireValues.WireFormatException(
          "first_shard, shard_count, replica or expiry too large");
    }
    return new BidMessage(
        WireValues.uint256(p.getJobId(), "job_id"),
        WireValues.address(p.getProvider(), "provider"),
        p.getFirstShard(),
        p.getShardCount(),
        p.getReplica(),
        WireValues.uint256(p.getPricePerShardWei(), "price_per_shard_wei"),
        WireValues.uint256(p.getCollateralWei(), "collateral_wei"),
        p.getExpiry(),
        WireValues.signature(p.getSignature(), "signature"));
  }
}
