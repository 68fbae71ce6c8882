/**
 * Acceptance tests on a running devnet: providers that crash or restart mid-job, and requester
 * mistakes that must move no funds (docs/devnet.md "Acceptance tests").
 */
package io.hyphae.devnet.acceptance;
