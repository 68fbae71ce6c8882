package io.hyphae.wallet.job;

import io.hyphae.protocol.job.BidMessage;

/** A provider's answer to a request for quote. */
public sealed interface Quote {

  /** A signed bid (not yet checked). */
  record Offer(BidMessage bid) implements Quote {}

  /** No bid, and why (the provider's refusal, a timeout, a dead connection). */
  record Refused(String reason) implements Quote {}
}
