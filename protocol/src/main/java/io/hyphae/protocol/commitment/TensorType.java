package io.hyphae.protocol.commitment;

/** Element types of tensors in shard inputs and outputs; the code is the byte on the wire. */
public enum TensorType {
  FLOAT32(1, 4),
  FLOAT64(2, 8),
  INT8(3, 1),
  UINT8(4, 1),
  INT32(5, 4),
  INT64(6, 8),
  BOOL(7, 1);

  private final int code;
  private final int size;

  TensorType(int code, int size) {
    this.code = code;
    this.size = size;
  }

  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  public static TensorType fromCode(int code) throws CommitmentFormatException {
    for (TensorType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    throw new CommitmentFormatException("unknown tensor element type " + code);
  }
}
