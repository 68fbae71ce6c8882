/**
 * Fuzzing of the protocol's decoders and ciphers: {@code ProtocolFuzzTest} puts every target under
 * one Jazzer fuzz test that the build runs for a bounded time, and {@code DecoderRandomInputTest}
 * runs the decoder checks on seeded random and mutated input with the unit tests.
 */
package io.hyphae.protocol.fuzz;
