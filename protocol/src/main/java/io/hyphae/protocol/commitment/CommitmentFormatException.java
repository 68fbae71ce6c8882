package io.hyphae.protocol.commitment;

/** Bytes or values that do not follow the canonical shard encodings. */
public final class CommitmentFormatException extends Exception {
  public CommitmentFormatException(String message) {
    super(message);
  }
}
