package io.hyphae.wallet.job;

import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.generated.JobMarket;
import io.hyphae.contracts.market.Bid;
import io.hyphae.contracts.market.SignedBid;
import io.hyphae.protocol.job.BidMessage;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Locale;
import java.util.Optional;

/**
 * The requester's checks of an offered bid before it spends gas on it: the bid is for this job,
 * range and replica, from the provider asked, under the job's price cap, not about to expire, with
 * collateral the contract accepts, and signed by the provider (EIP-712, the market's domain).
 */
public final class BidCheck {

  private final Eip712 eip712;
  private final BigInteger maxPricePerShard;

  public BidCheck(Eip712 eip712, BigInteger maxPricePerShard) {
    this.eip712 = eip712;
    this.maxPricePerShard = maxPricePerShard;
  }

  /**
   * The problem with {@code offer}, or empty when it is usable.
   *
   * @param notExpiringBefore unix seconds the bid must still be valid at (assign happens later)
   */
  public Optional<String> problem(
      BidMessage offer,
      BigInteger jobId,
      ProviderRef provider,
      ShardRange range,
      int replica,
      long notExpiringBefore) {
    if (!offer.jobId().equals(jobId)) {
      return Optional.of("bid is for another job");
    }
    if (!offer.provider().equals(provider.account().toLowerCase(Locale.ROOT))) {
      return Optional.of("bid names provider " + offer.provider() + ", not the peer asked");
    }
    if (offer.firstShard() != range.firstShard()
        || offer.shardCount() != range.shardCount()
        || offer.replica() != replica) {
      return Optional.of("bid covers another range or replica than the one asked");
    }
    if (offer.pricePerShard().signum() <= 0
        || offer.pricePerShard().compareTo(maxPricePerShard) > 0) {
      return Optional.of(
          "price " + offer.pricePerShard() + " wei per shard is above the job's maximum");
    }
    if (offer.expiry() < notExpiringBefore) {
      return Optional.of("bid expires too soon (at " + offer.expiry() + ")");
    }
    if (offer.collateral().bitLength() > 96 || offer.pricePerShard().bitLength() > 96) {
      return Optional.of("bid amounts do not fit the contract's uint96");
    }
    try {
      String signer = Eip712.recover(eip712.bidDigest(generated(offer)), offer.signature());
      if (!signer.equalsIgnoreCase(offer.provider())) {
        return Optional.of("bid signature is by " + signer + ", not by the provider");
      }
    } catch (SignatureException e) {
      return Optional.of("bid signature is invalid: " + e.getMessage());
    }
    return Optional.empty();
  }

  /** The chain client's form of a checked offer. */
  public static SignedBid signedBid(BidMessage offer) {
    return new SignedBid(
        new Bid(
            offer.jobId(),
            offer.provider(),
            offer.firstShard(),
            offer.shardCount(),
            offer.replica(),
            offer.pricePerShard(),
            offer.collateral(),
            offer.expiry()),
        offer.signature());
  }

  private static JobMarket.Bid generated(BidMessage b) {
    return new JobMarket.Bid(
        b.jobId(),
        b.provider(),
        BigInteger.valueOf(b.firstShard()),
        BigInteger.valueOf(b.shardCount()),
        BigInteger.valueOf(b.replica()),
        b.pricePerShard(),
        b.collateral(),
        BigInteger.valueOf(b.expiry()));
  }
}
