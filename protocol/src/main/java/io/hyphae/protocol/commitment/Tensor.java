package io.hyphae.protocol.commitment;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor: element type, shape and the elements in row-major order, little-endian (as ONNX
 * {@code raw_data}). Immutable: the arrays are copied in and out.
 */
public final class Tensor {
  /** Bounds that keep a decoder from allocating on a liar's word. */
  public static final int MAX_RANK = 8;

  public static final int MAX_NAME_BYTES = 256;

  private final String name;
  private final TensorType type;
  private final long[] shape;
  private final byte[] data;

  public Tensor(String name, TensorType type, long[] shape, byte[] data) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a tensor needs a name");
    }
    if (shape.length > MAX_RANK) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' has rank " + shape.length + ", at most " + MAX_RANK);
    }
    long elements = elementCount(name, shape);
    if (elements * type.size() != data.length) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' of shape "
              + Arrays.toString(shape)
              + " and type "
              + type
              + " needs "
              + elements * type.size()
              + " bytes, got "
              + data.length);
    }
    this.shape = shape.clone();
    this.data = data.clone();
  }

  /** The number of elements of a shape; fails on negative dimensions or overflow. */
  static long elementCount(String name, long[] shape) {
    long elements = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            "tensor '" + name + "' has a negative dimension: " + Arrays.toString(shape));
      }
      elements = Math.multiplyExact(elements, dim);
      if (elements > Integer.MAX_VALUE / 8) {
        throw new IllegalArgumentException("tensor '" + name + "' is too large");
      }
    }
    return elements;
  }

  public String name() {
    return name;
  }

  public TensorType type() {
    return type;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int axis) {
    return shape[axis];
  }

  public long elementCount() {
    return data.length / type.size();
  }

  /** A copy of the little-endian element bytes. */
  public byte[] data() {
    return data.clone();
  }

  /** The element bytes without a copy, for encoders in this package. */
  byte[] dataUnsafe() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && type == t.type
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, Arrays.hashCode(shape), Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + type + " " + Arrays.toString(shape) + "]";
  }
}
