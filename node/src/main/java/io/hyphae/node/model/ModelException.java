package io.hyphae.node.model;

/** A model that cannot be used, with the reason and a message naming the file and the fix. */
public final class ModelException extends Exception {
  /** Why a model is unusable. */
  public enum Reason {
    MISSING_FILE,
    INVALID_MANIFEST,
    CORRUPT_FILE,
    HASH_MISMATCH,
    UNKNOWN_MODEL,
    REGISTRY_FULL
  }

  private final Reason reason;

  public ModelException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ModelException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
