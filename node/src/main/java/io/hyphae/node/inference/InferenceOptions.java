package io.hyphae.node.inference;

import java.time.Duration;

/**
 * Per-shard options.
 *
 * @param overLength what to do with a text longer than the model's max tokens
 * @param timeout how long the shard may take, queueing included; then it is cancelled
 */
public record InferenceOptions(OverLength overLength, Duration timeout) {
  /** Texts longer than the model's max tokens. */
  public enum OverLength {
    /** Keep the first tokens and report the row in {@link ShardResult#truncatedRows()}. */
    TRUNCATE,
    /** Fail the shard with an error naming the row. */
    REJECT
  }

  public static final InferenceOptions DEFAULT =
      new InferenceOptions(OverLength.TRUNCATE, Duration.ofMinutes(10));

  public InferenceOptions {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  public InferenceOptions withOverLength(OverLength policy) {
    return new InferenceOptions(policy, timeout);
  }
}
