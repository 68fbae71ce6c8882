/**
 * Spot checks for other nodes' results: {@link io.hyphae.node.verify.VerifyService} re-runs rows on
 * request and answers its own output.
 */
package io.hyphae.node.verify;
