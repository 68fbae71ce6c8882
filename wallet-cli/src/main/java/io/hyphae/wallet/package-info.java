/**
 * The {@code hyphae} command for requesters and providers: keys, balances, stake, and the job
 * commands (submit, watch, challenge, settle). Never depends on the node module.
 */
package io.hyphae.wallet;
