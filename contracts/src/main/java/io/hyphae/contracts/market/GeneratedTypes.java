package io.hyphae.contracts.market;

import io.hyphae.contracts.generated.JobMarket;
import java.math.BigInteger;

/** Converts between this package's records and the generated web3j structs (kept behind it). */
final class GeneratedTypes {

  private GeneratedTypes() {}

  static JobMarket.JobSpec toGenerated(JobSpec s) {
    return new JobMarket.JobSpec(
        s.modelHash().toArray(),
        s.profileHash().toArray(),
        s.inputRoot().toArray(),
        BigInteger.valueOf(s.shardCount()),
        BigInteger.valueOf(s.redundancy()),
        s.maxPricePerShard(),
        BigInteger.valueOf(s.commitDeadline()),
        BigInteger.valueOf(s.challengeWindow()),
        BigInteger.valueOf(s.salt()),
        s.requesterPeerId());
  }

  static JobSpec fromGenerated(JobMarket.JobSpec s) {
    return new JobSpec(
        Bytes32.of(s.modelHash),
        Bytes32.of(s.profileHash),
        Bytes32.of(s.inputRoot),
        s.shardCount.intValueExact(),
        s.redundancy.intValueExact(),
        s.maxPricePerShard,
        s.commitDeadline.longValueExact(),
        s.challengeWindow.longValueExact(),
        s.salt.longValueExact(),
        s.requesterPeerId);
  }

  static JobMarket.Bid toGenerated(Bid b) {
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

  static Bid fromGenerated(JobMarket.Bid b) {
    return new Bid(
        b.jobId,
        b.provider,
        b.firstShard.intValueExact(),
        b.shardCount.intValueExact(),
        b.replica.intValueExact(),
        b.pricePerShard,
        b.collateral,
        b.expiry.longValueExact());
  }

  static JobMarket.Assignment toGenerated(Assignment a) {
    return new JobMarket.Assignment(
        a.jobId(),
        BigInteger.valueOf(a.index()),
        BigInteger.valueOf(a.replica()),
        BigInteger.valueOf(a.status().ordinal()),
        a.requester(),
        a.provider(),
        BigInteger.valueOf(a.firstShard()),
        BigInteger.valueOf(a.shardCount()),
        a.pricePerShard(),
        a.collateral(),
        BigInteger.valueOf(a.commitDeadline()),
        BigInteger.valueOf(a.challengeWindow()),
        a.resultRoot().toArray(),
        BigInteger.valueOf(a.challengeDeadline()));
  }

  static Assignment fromGenerated(JobMarket.Assignment a) {
    return new Assignment(
        a.jobId,
        a.index.intValueExact(),
        a.replica.intValueExact(),
        Assignment.Status.values()[a.status.intValueExact()],
        a.requester,
        a.provider,
        a.firstShard.intValueExact(),
        a.shardCount.intValueExact(),
        a.pricePerShard,
        a.collateral,
        a.commitDeadline.longValueExact(),
        a.challengeWindow.longValueExact(),
        Bytes32.of(a.resultRoot),
        a.challengeDeadline.longValueExact());
  }
}
