package io.hyphae.contracts.keys;

import java.nio.file.Path;

/** A keystore or password problem, with a message meant for the user. */
public final class KeystoreException extends RuntimeException {

  /** What went wrong, so callers can react without parsing messages. */
  public enum Kind {
    /** The keystore file or password file does not exist. */
    MISSING,
    /** The file is not a readable Web3 Secret Storage (V3) keystore. */
    CORRUPT,
    /** The password does not decrypt the key (the file's MAC does not match). */
    WRONG_PASSWORD,
    /** No usable password: empty, unreadable, or no terminal to prompt on. */
    NO_PASSWORD,
    /** The key is already in the keystore. */
    ALREADY_EXISTS,
    /** The private key given for import is malformed. */
    BAD_KEY,
    /** No account matches what was asked for. */
    NO_SUCH_ACCOUNT,
    /** Reading or writing the file failed. */
    IO
  }

  private final Kind kind;

  public KeystoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public KeystoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static KeystoreException missing(Path file) {
    return new KeystoreException(Kind.MISSING, "no keystore file at " + file);
  }
}
