package io.hyphae.wallet.job;

import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Gives one committee member a challenge's evidence ({@code /hyphae/challenge-evidence/1.0.0}). */
@FunctionalInterface
public interface EvidenceSender {

  /**
   * Completes with empty when the member accepted the evidence, with its reason when it refused;
   * fails when the member cannot be reached.
   */
  CompletableFuture<Optional<String>> send(
      ProviderRef member, BigInteger challengeId, byte[] input, byte[] output);
}
