package io.hyphae.contracts.chain;

/** A chain operation failed: the endpoint is unreachable, or a transaction failed or reverted. */
public class ChainException extends RuntimeException {
  public ChainException(String message) {
    super(message);
  }

  public ChainException(String message, Throwable cause) {
    super(message, cause);
  }
}
