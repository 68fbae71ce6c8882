package io.hyphae.contracts.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;
import org.web3j.crypto.WalletFile;
import org.web3j.crypto.exception.CipherException;

/**
 * Reads and writes single Web3 Secret Storage (V3) keystore files, the format geth and MetaMask
 * use. Writes are atomic (a temporary file in the same directory, flushed, then renamed) and
 * owner-only (0600 in a 0700 directory), so a crash never leaves half a key behind.
 */
public final class KeystoreFiles {

  /** A keystore file is a few hundred bytes; anything much larger is not one. */
  static final long MAX_FILE_BYTES = 64 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  // geth's file name: UTC--<ISO-8601 with '-' for ':'>--<address without 0x>
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.nnnnnnnnn'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private KeystoreFiles() {}

  /**
   * Encrypts {@code key} with {@code password} and writes it as a new file in {@code directory}
   * (created if missing), named the way geth names them.
   *
   * @return the new file
   */
  public static Path write(Path directory, ECKeyPair key, String password, KdfStrength kdf) {
    requireUsablePassword(password);
    WalletFile wallet;
    try {
      wallet = Wallet.create(password, key, kdf.n(), kdf.p());
    } catch (CipherException e) {
      throw new KeystoreException(
          KeystoreException.Kind.IO, "cannot encrypt the key: " + e.getMessage(), e);
    }
    String name = "UTC--" + FILE_TIME.format(Instant.now()) + "--" + wallet.getAddress() + ".json";
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(wallet);
    } catch (JsonProcessingException e) {
      throw new KeystoreException(KeystoreException.Kind.IO, "cannot encode the keystore", e);
    }
    Path target = directory.resolve(name);
    writeAtomically(target, bytes);
    return target;
  }

  /**
   * Decrypts the key in {@code file}.
   *
   * @throws KeystoreException {@code MISSING}, {@code CORRUPT} or {@code WRONG_PASSWORD}
   */
  public static Credentials unlock(Path file, String password) {
    WalletFile wallet = read(file);
    try {
      ECKeyPair key = Wallet.decrypt(password, wallet);
      Credentials credentials = Credentials.create(key);
      if (!Keys.getAddress(key).equalsIgnoreCase(strip0x(wallet.getAddress()))) {
        throw new KeystoreException(
            KeystoreException.Kind.CORRUPT,
            "keystore file " + file + " holds a key that does not match its address");
      }
      return credentials;
    } catch (CipherException e) {
      if (e.getMessage() != null && e.getMessage().contains("Invalid password")) {
        throw new KeystoreException(
            KeystoreException.Kind.WRONG_PASSWORD, "wrong password for keystore file " + file);
      }
      throw new KeystoreException(
          KeystoreException.Kind.CORRUPT,
          "keystore file " + file + " is not usable: " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      if (e instanceof KeystoreException k) {
        throw k;
      }
      // Malformed hex or parameters inside an otherwise well-formed JSON document.
      throw new KeystoreException(
          KeystoreException.Kind.CORRUPT,
          "keystore file " + file + " is not usable: " + e.getMessage(),
          e);
    }
  }

  /** The checksummed address a keystore file declares, read without decrypting it. */
  public static String address(Path file) {
    String address = read(file).getAddress();
    if (address == null || !strip0x(address).matches("[0-9a-fA-F]{40}")) {
      throw new KeystoreException(
          KeystoreException.Kind.CORRUPT, "keystore file " + file + " has no valid address");
    }
    return Keys.toChecksumAddress(strip0x(address));
  }

  static WalletFile read(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new KeystoreException(
            KeystoreException.Kind.CORRUPT,
            "keystore file " + file + " is too large to be a keystore");
      }
      WalletFile wallet = JSON.readValue(Files.readAllBytes(file), WalletFile.class);
      if (wallet == null || wallet.getCrypto() == null || wallet.getVersion() != 3) {
        throw new KeystoreException(
            KeystoreException.Kind.CORRUPT,
            "keystore file " + file + " is not a version 3 Web3 Secret Storage file");
      }
      return wallet;
    } catch (NoSuchFileException e) {
      throw KeystoreException.missing(file);
    } catch (JsonProcessingException e) {
      throw new KeystoreException(
          KeystoreException.Kind.CORRUPT,
          "keystore file " + file + " is not valid keystore JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new KeystoreException(
          KeystoreException.Kind.IO, "cannot read keystore file " + file + ": " + e, e);
    }
  }

  static void requireUsablePassword(String password) {
    if (password == null || password.isEmpty()) {
      throw new KeystoreException(
          KeystoreException.Kind.NO_PASSWORD, "an empty password protects nothing: choose one");
    }
  }

  static String strip0x(String hex) {
    return hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
  }

  /**
   * Writes {@code bytes} to {@code target} so that readers see the old file or the whole new one,
   * never a part: temp file in the same directory, fsync, atomic rename. Owner-only permissions.
   */
  public static void writeAtomically(Path target, byte[] bytes) {
    Path directory = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      createPrivateDirectories(directory);
      temp = Files.createTempFile(directory, ".tmp-", ".part", ownerOnly(directory, false));
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
      syncDirectory(directory);
    } catch (IOException e) {
      throw new KeystoreException(
          KeystoreException.Kind.IO, "cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Best effort: the temp file holds no usable key without the password.
        }
      }
    }
  }

  /** Makes the rename itself durable (Linux); best effort where directories cannot be opened. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // Some platforms cannot open or sync a directory; the file itself was already synced.
    }
  }

  private static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      Files.createDirectories(directory, ownerOnly(directory, true));
    } catch (FileAlreadyExistsException e) {
      throw new IOException(directory + " exists and is not a directory", e);
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path near, boolean directory) {
    if (!near.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    Set<PosixFilePermission> permissions =
        PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------");
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
  }
}
