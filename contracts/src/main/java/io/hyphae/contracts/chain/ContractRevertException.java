package io.hyphae.contracts.chain;

/** A contract rejected a call with a known error; the message names it and its arguments. */
public final class ContractRevertException extends ChainException {

  private final transient ContractErrors.DecodedError error;

  public ContractRevertException(String action, ContractErrors.DecodedError error) {
    super(
        action
            + " was rejected by "
            + (error.contract().isEmpty() ? "the contract" : error.contract())
            + ": "
            + error.describe());
    this.error = error;
  }

  /** The error's name, e.g. {@code InvalidBidSignature}. */
  public String errorName() {
    return error.name();
  }

  public ContractErrors.DecodedError error() {
    return error;
  }
}
