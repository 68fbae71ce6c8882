/**
 * The job engine: {@link io.hyphae.node.job.JobEngine} turns assignments seen on chain into
 * journalled jobs and drives each ({@link io.hyphae.node.job.JobRun}) through fetch, inference,
 * delivery, commit and finalize, resuming from the journal after a restart; {@link
 * io.hyphae.node.job.JobData} is what it keeps with a job.
 */
package io.hyphae.node.job;
