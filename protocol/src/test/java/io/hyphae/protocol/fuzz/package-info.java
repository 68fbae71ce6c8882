/**
 * Fuzzing of the p2p decoders: {@code DecoderChecks} is the target, Jazzer drives it on demand
 * ({@code JAZZER_FUZZ=1}), and a seeded random run goes with every build.
 */
package io.hyphae.protocol.fuzz;
