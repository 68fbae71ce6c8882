package io.hyphae.contracts.keys;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * A directory of keystore files, one account per file, as geth keeps them. Files that are not
 * keystores (editor backups, temporary files) are skipped when listing.
 */
public final class KeystoreDirectory {

  /** The environment variable that moves the default keystore directory. */
  public static final String ENV_VARIABLE = "HYPHAE_KEYSTORE_DIR";

  /** Listing stops here: a keystore directory is for a handful of keys, not a database. */
  static final int MAX_ACCOUNTS = 1000;

  /** One account: its checksummed address and the file that holds its encrypted key. */
  public record Account(String address, Path file) {}

  private final Path directory;

  public KeystoreDirectory(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  /** {@code $HYPHAE_KEYSTORE_DIR} when set, else {@code ~/.hyphae/keystore}. */
  public static Path defaultLocation(Map<String, String> environment) {
    String override = environment.get(ENV_VARIABLE);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return Path.of(System.getProperty("user.home"), ".hyphae", "keystore");
  }

  public Path path() {
    return directory;
  }

  /** Creates a new random key, stores it, and returns its account. */
  public Account create(String password, KdfStrength kdf) {
    KeystoreFiles.requireUsablePassword(password);
    ECKeyPair key;
    try {
      key = Keys.createEcKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new KeystoreException(KeystoreException.Kind.IO, "cannot generate a key: " + e, e);
    }
    return store(key, password, kdf);
  }

  /**
   * Stores an existing private key given as 64 hex digits (an optional {@code 0x} prefix and
   * surrounding white space are accepted).
   *
   * @throws KeystoreException {@code BAD_KEY} when malformed, {@code ALREADY_EXISTS} when present
   */
  public Account importKey(String privateKeyHex, String password, KdfStrength kdf) {
    String hex = KeystoreFiles.strip0x(privateKeyHex.strip());
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new KeystoreException(
          KeystoreException.Kind.BAD_KEY,
          "not a private key: expected 64 hex digits (optionally 0x-prefixed)");
    }
    BigInteger secret = new BigInteger(hex, 16);
    // A secp256k1 private key is in [1, n-1].
    BigInteger order = new BigInteger(ORDER_HEX, 16);
    if (secret.signum() == 0 || secret.compareTo(order) >= 0) {
      throw new KeystoreException(
          KeystoreException.Kind.BAD_KEY, "not a private key: out of the secp256k1 range");
    }
    KeystoreFiles.requireUsablePassword(password);
    return store(ECKeyPair.create(secret), password, kdf);
  }

  private static final String ORDER_HEX =
      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";

  private Account store(ECKeyPair key, String password, KdfStrength kdf) {
    String address = Keys.toChecksumAddress(Keys.getAddress(key));
    Optional<Account> existing = find(address);
    if (existing.isPresent()) {
      throw new KeystoreException(
          KeystoreException.Kind.ALREADY_EXISTS,
          "account " + address + " is already in the keystore: " + existing.get().file());
    }
    Path file = KeystoreFiles.write(directory, key, password, kdf);
    return new Account(address, file);
  }

  /** The accounts in this directory, oldest file name first; empty if the directory is absent. */
  public List<Account> list() {
    List<Account> accounts = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") || !Files.isRegularFile(file)) {
          continue;
        }
        try {
          accounts.add(new Account(KeystoreFiles.address(file), file));
        } catch (KeystoreException notAKeystore) {
          continue;
        }
        if (accounts.size() >= MAX_ACCOUNTS) {
          break;
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new KeystoreException(
          KeystoreException.Kind.IO, "cannot list the keystore " + directory + ": " + e, e);
    }
    accounts.sort(Comparator.comparing(a -> a.file().getFileName().toString()));
    return List.copyOf(accounts);
  }

  /** The account with this address (any letter case), if present. */
  public Optional<Account> find(String address) {
    String wanted = KeystoreFiles.strip0x(address);
    return list().stream()
        .filter(a -> KeystoreFiles.strip0x(a.address()).equalsIgnoreCase(wanted))
        .findFirst();
  }

  /**
   * The account named by {@code selector}: an address, or an index as printed by {@code list()}
   * (from 0). With no selector, the only account when there is exactly one.
   */
  public Account select(Optional<String> selector) {
    List<Account> accounts = list();
    if (selector.isEmpty()) {
      if (accounts.size() == 1) {
        return accounts.get(0);
      }
      throw new KeystoreException(
          KeystoreException.Kind.NO_SUCH_ACCOUNT,
          accounts.isEmpty()
              ? "the keystore " + directory + " holds no account: create one with 'account new'"
              : "the keystore holds " + accounts.size() + " accounts: choose one with --account");
    }
    String s = selector.get().strip();
    if (s.matches("[0-9]{1,4}")) {
      int index = Integer.parseInt(s);
      if (index < accounts.size()) {
        return accounts.get(index);
      }
      throw new KeystoreException(
          KeystoreException.Kind.NO_SUCH_ACCOUNT,
          "no account #" + index + " in " + directory + " (it holds " + accounts.size() + ")");
    }
    return find(s)
        .orElseThrow(
            () ->
                new KeystoreException(
                    KeystoreException.Kind.NO_SUCH_ACCOUNT,
                    "no account " + s + " in the keystore " + directory));
  }

  /** Decrypts the key of {@code account}. */
  public Credentials unlock(Account account, String password) {
    return KeystoreFiles.unlock(account.file(), password);
  }
}
