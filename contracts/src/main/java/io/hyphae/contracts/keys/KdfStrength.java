package io.hyphae.contracts.keys;

/**
 * The scrypt cost of a new keystore file. {@link #STANDARD} is web3j's (and geth's) standard
 * setting, for real keys; {@link #LIGHT} is geth's "light KDF", for throwaway devnet and test keys
 * only (it is about 64 times cheaper to brute-force).
 */
public enum KdfStrength {
  STANDARD(1 << 18, 1),
  LIGHT(1 << 12, 6);

  private final int n;
  private final int p;

  KdfStrength(int n, int p) {
    this.n = n;
    this.p = p;
  }

  /** scrypt's CPU/memory cost parameter. */
  public int n() {
    return n;
  }

  /** scrypt's parallelisation parameter. */
  public int p() {
    return p;
  }
}
