package io.hyphae.protocol.commitment;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical byte encodings of shard inputs and outputs, version 1 (specified in
 * docs/inference.md). Counts, lengths and dimensions are big-endian; tensor elements and float32
 * embedding values are little-endian, as in ONNX {@code raw_data}. Every value has exactly one
 * encoding: decoders reject trailing bytes, unsorted or repeated tensor names, invalid UTF-8 and
 * non-canonical NaNs, so {@code encode(decode(b))} equals {@code b} whenever decoding succeeds.
 */
public final class ShardCodec {
  public static final int VERSION = 1;
  public static final int KIND_TEXTS = 0x01;
  public static final int KIND_TENSORS = 0x02;
  public static final int KIND_EMBEDDINGS = 0x81;
  public static final int KIND_TENSOR_OUTPUT = 0x82;

  /** Bounds checked before anything is allocated. */
  public static final int MAX_ROWS = 1 << 20;

  public static final int MAX_TEXT_BYTES = 1 << 20;
  public static final int MAX_TENSORS_PER_ROW = 64;
  public static final int MAX_DIMENSIONS = 1 << 16;

  private static final int CANONICAL_NAN = Float.floatToIntBits(Float.NaN);

  // ---- encoding ----

  /** The canonical bytes of a shard input; rejects text that is not valid Unicode. */
  public static byte[] encodeInput(ShardInput input) {
    Writer w = new Writer();
    w.u8(VERSION);
    switch (input) {
      case ShardInput.Texts texts -> {
        w.u8(KIND_TEXTS);
        w.u64(texts.firstRow());
        w.u32(texts.rowCount());
        for (int i = 0; i < texts.rowCount(); i++) {
          byte[] utf8 = strictUtf8(texts.rows().get(i), i);
          w.u32(utf8.length);
          w.bytes(utf8);
        }
      }
      case ShardInput.Tensors tensors -> {
        w.u8(KIND_TENSORS);
        w.u64(tensors.firstRow());
        w.u32(tensors.rowCount());
        for (TensorRow row : tensors.rows()) {
          writeRow(w, row);
        }
      }
    }
    return w.toByteArray();
  }

  /** The canonical bytes of a shard output. */
  public static byte[] encodeOutput(ShardOutput output) {
    Writer w = new Writer();
    w.u8(VERSION);
    switch (output) {
      case ShardOutput.Embeddings embeddings -> {
        w.u8(KIND_EMBEDDINGS);
        w.u32(embeddings.rowCount());
        w.u32(embeddings.dimensions());
        ByteBuffer values =
            ByteBuffer.allocate(embeddings.rowCount() * embeddings.dimensions() * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : embeddings.rows()) {
          for (float value : row) {
            values.putInt(Float.floatToIntBits(value));
          }
        }
        w.bytes(values.array());
      }
      case ShardOutput.Tensors tensors -> {
        w.u8(KIND_TENSOR_OUTPUT);
        w.u32(tensors.rowCount());
        for (TensorRow row : tensors.rows()) {
          writeRow(w, row);
        }
      }
    }
    return w.toByteArray();
  }

  private static void writeRow(Writer w, TensorRow row) {
    w.u16(row.tensors().size());
    for (Tensor t : row.tensors()) {
      byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
      w.u16(name.length);
      w.bytes(name);
      w.u8(t.type().code());
      w.u8(t.rank());
      for (long dim : t.shape()) {
        w.u64(dim);
      }
      w.bytes(t.dataUnsafe());
    }
  }

  private static byte[] strictUtf8(String text, int row) {
    try {
      ByteBuffer encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
      byte[] out = new byte[encoded.remaining()];
      encoded.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("row " + row + " is not valid Unicode (lone surrogate)");
    }
  }

  // ---- decoding ----

  public static ShardInput decodeInput(byte[] bytes) throws CommitmentFormatException {
    Reader r = new Reader(bytes);
    r.expectVersion();
    int kind = r.u8();
    long firstRow = r.u64();
    if (firstRow < 0) {
      throw new CommitmentFormatException("first row out of range");
    }
    int rows = r.count("row count", MAX_ROWS);
    ShardInput input;
    if (kind == KIND_TEXTS) {
      List<String> texts = new ArrayList<>(Math.min(rows, 1024));
      for (int i = 0; i < rows; i++) {
        int length = r.count("length of row " + i, MAX_TEXT_BYTES);
        texts.add(r.utf8(length, "row " + i));
      }
      input = new ShardInput.Texts(firstRow, texts);
    } else if (kind == KIND_TENSORS) {
      input = new ShardInput.Tensors(firstRow, readRows(r, rows));
    } else {
      throw new CommitmentFormatException(String.format("not a shard input (kind 0x%02x)", kind));
    }
    r.expectEnd();
    return input;
  }

  public static ShardOutput decodeOutput(byte[] bytes) throws CommitmentFormatException {
    Reader r = new Reader(bytes);
    r.expectVersion();
    int kind = r.u8();
    int rows = r.count("row count", MAX_ROWS);
    ShardOutput output;
    if (kind == KIND_EMBEDDINGS) {
      int dimensions = r.count("dimensions", MAX_DIMENSIONS);
      if (dimensions == 0) {
        throw new CommitmentFormatException("embeddings with zero dimensions");
      }
      r.require((long) rows * dimensions * 4, "embedding values");
      List<float[]> vectors = new ArrayList<>(rows);
      for (int i = 0; i < rows; i++) {
        float[] row = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
          int bits = r.i32le();
          if (Float.isNaN(Float.intBitsToFloat(bits)) && bits != CANONICAL_NAN) {
            throw new CommitmentFormatException("row " + i + " holds a non-canonical NaN");
          }
          row[d] = Float.intBitsToFloat(bits);
        }
        vectors.add(row);
      }
      output = new ShardOutput.Embeddings(dimensions, vectors);
    } else if (kind == KIND_TENSOR_OUTPUT) {
      output = new ShardOutput.Tensors(readRows(r, rows));
    } else {
      throw new CommitmentFormatException(String.format("not a shard output (kind 0x%02x)", kind));
    }
    r.expectEnd();
    return output;
  }

  private static List<TensorRow> readRows(Reader r, int rows) throws CommitmentFormatException {
    List<TensorRow> out = new ArrayList<>(Math.min(rows, 1024));
    for (int i = 0; i < rows; i++) {
      int count = r.u16();
      if (count > MAX_TENSORS_PER_ROW) {
        throw new CommitmentFormatException("row " + i + " has " + count + " tensors");
      }
      List<Tensor> tensors = new ArrayList<>(count);
      String previous = null;
      for (int t = 0; t < count; t++) {
        int nameLength = r.u16();
        if (nameLength == 0 || nameLength > Tensor.MAX_NAME_BYTES) {
          throw new CommitmentFormatException("row " + i + ": bad tensor name length");
        }
        String name = r.utf8(nameLength, "a tensor name in row " + i);
        if (previous != null && previous.compareTo(name) >= 0) {
          throw new CommitmentFormatException(
              "row " + i + ": tensor names not in strictly ascending order at '" + name + "'");
        }
        previous = name;
        TensorType type = TensorType.fromCode(r.u8());
        int rank = r.u8();
        if (rank > Tensor.MAX_RANK) {
          throw new CommitmentFormatException("tensor '" + name + "' has rank " + rank);
        }
        long[] shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
          shape[d] = r.u64();
          if (shape[d] < 0 || shape[d] > Integer.MAX_VALUE) {
            throw new CommitmentFormatException("tensor '" + name + "' has a bad dimension");
          }
          elements = Math.multiplyExact(elements, Math.max(shape[d], 1));
          if (elements > Integer.MAX_VALUE) {
            throw new CommitmentFormatException("tensor '" + name + "' is too large");
          }
        }
        long byteCount = elements * type.size();
        for (long dim : shape) {
          if (dim == 0) {
            byteCount = 0;
          }
        }
        r.require(byteCount, "tensor '" + name + "'");
        try {
          tensors.add(new Tensor(name, type, shape, r.bytes((int) byteCount)));
        } catch (IllegalArgumentException e) {
          throw new CommitmentFormatException(e.getMessage());
        }
      }
      out.add(new TensorRow(tensors));
    }
    return out;
  }

  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void u8(int v) {
      out.write(v);
    }

    void u16(int v) {
      if (v > 0xFFFF) {
        throw new IllegalArgumentException("value does not fit in 16 bits: " + v);
      }
      out.write(v >>> 8);
      out.write(v);
    }

    void u32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
    }

    void u64(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (v >>> shift));
      }
    }

    void bytes(byte[] b) {
      out.write(b, 0, b.length);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  private static final class Reader {
    private final ByteBuffer buf;

    Reader(byte[] bytes) {
      this.buf = ByteBuffer.wrap(bytes);
    }

    void require(long n, String what) throws CommitmentFormatException {
      if (n > buf.remaining()) {
        throw new CommitmentFormatException(
            "truncated: " + what + " needs " + n + " bytes, " + buf.remaining() + " left");
      }
    }

    void expectVersion() throws CommitmentFormatException {
      int version = u8();
      if (version != VERSION) {
        throw new CommitmentFormatException(
            "unsupported encoding version " + version + " (this build reads " + VERSION + ")");
      }
    }

    void expectEnd() throws CommitmentFormatException {
      if (buf.hasRemaining()) {
        throw new CommitmentFormatException(buf.remaining() + " trailing bytes");
      }
    }

    int u8() throws CommitmentFormatException {
      require(1, "a byte");
      return buf.get() & 0xFF;
    }

    int u16() throws CommitmentFormatException {
      require(2, "a 16-bit count");
      return buf.getShort() & 0xFFFF;
    }

    int count(String what, int max) throws CommitmentFormatException {
      require(4, what);
      long v = buf.getInt() & 0xFFFFFFFFL;
      if (v > max) {
        throw new CommitmentFormatException(what + " " + v + " exceeds " + max);
      }
      return (int) v;
    }

    long u64() throws CommitmentFormatException {
      require(8, "a 64-bit value");
      return buf.getLong();
    }

    int i32le() {
      return Integer.reverseBytes(buf.getInt());
    }

    byte[] bytes(int n) throws CommitmentFormatException {
      require(n, "bytes");
      byte[] out = new byte[n];
      buf.get(out);
      return out;
    }

    String utf8(int n, String what) throws CommitmentFormatException {
      byte[] raw = bytes(n);
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(raw))
            .toString();
      } catch (CharacterCodingException e) {
        throw new CommitmentFormatException(what + " is not valid UTF-8");
      }
    }
  }

  private ShardCodec() {}
}
