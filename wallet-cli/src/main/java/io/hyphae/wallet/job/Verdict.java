package io.hyphae.wallet.job;

import java.util.Locale;

/** A committee's decision on a challenge, numbered as the contract's {@code Verdict} enum. */
public enum Verdict {
  /** No quorum or a tie: the bond comes back, the provider keeps its result. */
  VOID,
  /** The provider was wrong: its collateral is slashed, the requester refunded. */
  UPHELD,
  /** The provider was right: the challenger loses its bond. */
  REJECTED;

  static Verdict ofCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalArgumentException("unknown verdict code " + code);
    }
    return values()[code];
  }

  /** The contract's name: Void, Upheld, Rejected. */
  public String contractName() {
    String n = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }
}
