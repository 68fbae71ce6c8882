package io.hyphae.wallet.job;

import java.math.BigInteger;
import java.util.concurrent.CompletableFuture;

/** Asks one provider for a bid on a shard range of a job replica ({@code /hyphae/bid/1.0.0}). */
@FunctionalInterface
public interface QuoteSource {

  /** Completes with the provider's answer; never fails (a failure is a {@link Quote.Refused}). */
  CompletableFuture<Quote> quote(
      ProviderRef provider, BigInteger jobId, ShardRange range, int replica);
}
