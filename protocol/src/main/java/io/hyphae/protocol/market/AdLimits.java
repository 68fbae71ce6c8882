package io.hyphae.protocol.market;

/**
 * Bounds on capacity ads: encoded size, list and string lengths, lifetime, tolerated clock skew and
 * the minimum interval between two ads of one advertiser. Durations in milliseconds.
 */
public record AdLimits(
    int maxEncodedBytes,
    int maxModels,
    int maxStringLength,
    int maxHashLength,
    long maxTtlMs,
    long maxClockSkewMs,
    long minIntervalMs,
    int maxAdvertisers) {

  public AdLimits {
    if (maxEncodedBytes <= 0 || maxModels <= 0 || maxTtlMs <= 0 || maxAdvertisers <= 0) {
      throw new IllegalArgumentException("ad limits must be positive");
    }
  }

  /** 8 KiB, 64 models, 1 h lifetime, 30 s skew, one ad per advertiser per 5 s. */
  public static AdLimits defaults() {
    return new AdLimits(8 * 1024, 64, 128, 64, 3_600_000, 30_000, 5_000, 10_000);
  }
}
