package io.hyphae.node.inference;

import java.util.OptionalInt;

/** Why a shard did not produce an output; maps one-to-one to wire error codes. */
public final class InferenceException extends Exception {
  /** The failure kinds. */
  public enum Reason {
    /** The executor's queue is full: try later or elsewhere. */
    BUSY,
    CANCELLED,
    TIMED_OUT,
    /** A row or tensor is unusable; the message names it. */
    INVALID_INPUT,
    MODEL_UNAVAILABLE,
    PROFILE_UNAVAILABLE,
    /** ONNX Runtime failed on valid input: our bug or a broken installation. */
    RUNTIME_ERROR
  }

  private final Reason reason;
  private final int row;

  public InferenceException(Reason reason, String message) {
    this(reason, -1, message, null);
  }

  public InferenceException(Reason reason, int row, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.row = row;
  }

  public static InferenceException invalidRow(int row, String problem) {
    return new InferenceException(Reason.INVALID_INPUT, row, "row " + row + ": " + problem, null);
  }

  public Reason reason() {
    return reason;
  }

  /** The row (within the shard) the failure is about, if any. */
  public OptionalInt row() {
    return row < 0 ? OptionalInt.empty() : OptionalInt.of(row);
  }
}
