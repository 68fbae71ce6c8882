package io.hyphae.protocol.market;

/** Why a capacity ad was refused. */
public final class AdException extends Exception {

  /** The refusal reasons; {@link #isPenalised()} says whether the sender is at fault. */
  public enum Reason {
    MALFORMED(true),
    TOO_LARGE(true),
    LIMITS(true),
    BAD_SIGNATURE(true),
    WRONG_ADVERTISER(true),
    ETH_ADDRESS_MISMATCH(true),
    TTL_TOO_LONG(true),
    EXPIRED(false),
    NOT_YET_VALID(false),
    STALE(false),
    RATE_LIMITED(false);

    private final boolean penalised;

    Reason(boolean penalised) {
      this.penalised = penalised;
    }

    /** True when a correct peer could not have sent it (gossip REJECT), else IGNORE. */
    public boolean isPenalised() {
      return penalised;
    }
  }

  private final Reason reason;

  public AdException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
