/**
 * The job protocols a provider and a requester speak once a job is posted on chain: bids, shard
 * inputs, shard results with signed receipts, and spot-check re-runs (docs/market-protocol.md).
 * {@link io.hyphae.protocol.job.JobProtocols} declares each with its limits; {@link
 * io.hyphae.protocol.job.WireValues} converts the wire's fixed-size byte fields and refuses
 * malformed ones.
 */
package io.hyphae.protocol.job;
