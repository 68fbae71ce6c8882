package io.hyphae.contracts.chain;

import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;

/**
 * The devnet's accounts, derived from anvil's well-known development mnemonic along the standard
 * Ethereum path m/44'/60'/0'/0/i, the same accounts anvil funds at genesis. Never use them on a
 * real chain: their keys are public.
 */
public final class DevnetAccounts {

  public static final String MNEMONIC =
      "test test test test test test test test test test test junk";

  private static final int HARDENED = 0x80000000;

  private final Bip32ECKeyPair root;

  public DevnetAccounts() {
    this.root = Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(MNEMONIC, ""));
  }

  /** The credentials of account {@code index} (0 deploys; providers and requesters follow). */
  public Credentials account(int index) {
    int[] path = {44 | HARDENED, 60 | HARDENED, HARDENED, 0, index};
    return Credentials.create(Bip32ECKeyPair.deriveKeyPair(root, path));
  }
}
