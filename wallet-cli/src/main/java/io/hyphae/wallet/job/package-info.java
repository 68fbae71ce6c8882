/**
 * The requester's side of a job (docs/wallet.md "job"): input rows and shards, bid collection and
 * checks, the session that serves inputs and accepts results, spot checks, challenges of shards
 * that fail them ({@link io.hyphae.wallet.job.Challenger}: open, evidence to the committee,
 * verdict), the output and job files, and {@link io.hyphae.wallet.job.SubmitFlow}, which runs a job
 * from post to settlement.
 */
package io.hyphae.wallet.job;
