package io.hyphae.contracts.market;

/** A bid and its provider's 65-byte EIP-712 signature ({@code r || s || v}). */
public record SignedBid(Bid bid, byte[] signature) {

  public SignedBid {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedBid s
        && bid.equals(s.bid)
        && java.util.Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return bid.hashCode() * 31 + java.util.Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedBid[bid=" + bid + "]";
  }
}
