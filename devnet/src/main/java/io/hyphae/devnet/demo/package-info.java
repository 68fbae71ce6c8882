/**
 * {@code hyphae demo}: a devnet, a generated input of sentences, one sharded job submitted through
 * the wallet's {@code job submit} (the demo's one integration point, {@link
 * io.hyphae.devnet.demo.JobSubmission}), a summary, and the devnet stopped again.
 */
package io.hyphae.devnet.demo;
