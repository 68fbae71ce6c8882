package io.hyphae.wallet;

import io.hyphae.contracts.keys.PasswordSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which account signs, and which contracts: shared by the job, provider and withdraw commands. */
final class AccountOptions {

  @Option(
      names = "--keystore",
      paramLabel = "FILE",
      description = "The account's Web3 Secret Storage (V3) keystore file.")
  Path keystore;

  @Option(
      names = "--account",
      paramLabel = "A",
      description = "A keystore account (address or index in 'account list') in --keystore-dir.")
  String account;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description =
          "File holding the keystore password (else $"
              + PasswordSource.ENV_VARIABLE
              + ", else the devnet's password file for its requester, else a prompt).")
  Path passwordFile;

  @Option(
      names = "--contracts",
      paramLabel = "NAME=ADDR,...",
      split = ",",
      description =
          "The market's contracts, JobMarket=0x…,ProviderRegistry=0x… (default: the devnet's).")
  java.util.Map<String, String> contracts;
}
