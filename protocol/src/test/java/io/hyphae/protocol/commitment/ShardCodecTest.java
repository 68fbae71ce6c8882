package io.hyphae.protocol.commitment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void textInputHasTheDocumentedBytes() {
    byte[] bytes = ShardCodec.encodeInput(new ShardInput.Texts(5, List.of("hi", "é")));
    assertThat(HEX.formatHex(bytes))
        .isEqualTo(
            "01" // version
                + "01" // kind: texts
                + "0000000000000005" // first row
                + "00000002" // rows
                + "00000002"
                + "6869" // "hi"
                + "00000002"
                + "c3a9"); // "é"
  }

  @Test
  void embeddingOutputHasTheDocumentedBytes() {
    byte[] bytes =
        ShardCodec.encodeOutput(
            new ShardOutput.Embeddings(2, List.of(new float[] {1.0f, -2.5f}, new float[] {0, 0})));
    assertThat(HEX.formatHex(bytes))
        .isEqualTo(
            "01"
                + "81"
                + "00000002"
                + "00000002"
                + "0000803f"
                + "000020c0" // 1.0, -2.5 little-endian
                + "00000000"
                + "00000000");
  }

  @Test
  void tensorInputHasTheDocumentedBytesWithNamesSorted() {
    Tensor ids = new Tensor("ids", TensorType.INT64, new long[] {1, 1}, longLe(7));
    Tensor a = new Tensor("a", TensorType.UINT8, new long[] {2}, new byte[] {9, 8});
    byte[] bytes =
        ShardCodec.encodeInput(new ShardInput.Tensors(0, List.of(new TensorRow(List.of(ids, a)))));
    assertThat(HEX.formatHex(bytes))
        .isEqualTo(
            "01"
                + "02"
                + "0000000000000000"
                + "00000001"
                + "0002" // tensors in the row
                + "0001"
                + "61"
                + "04"
                + "01"
                + "0000000000000002"
                + "0908"
                + "0003"
                + "696473"
                + "06"
                + "02"
                + "0000000000000001"
                + "0000000000000001"
                + "0700000000000000");
  }

  @Test
  void roundTripsInputsAndOutputs() throws Exception {
    ShardInput texts = new ShardInput.Texts(3, List.of("a", "", "ünïcødé ✓ 😀"));
    assertThat(ShardCodec.decodeInput(ShardCodec.encodeInput(texts))).isEqualTo(texts);
    Tensor x = new Tensor("x", TensorType.FLOAT32, new long[] {1, 2}, new byte[8]);
    Tensor empty = new Tensor("y", TensorType.INT32, new long[] {0, 4}, new byte[0]);
    ShardInput tensors = new ShardInput.Tensors(9, List.of(new TensorRow(List.of(x, empty))));
    assertThat(ShardCodec.decodeInput(ShardCodec.encodeInput(tensors))).isEqualTo(tensors);
    ShardOutput out =
        new ShardOutput.Embeddings(3, List.of(new float[] {Float.NaN, -0.0f, Float.MIN_VALUE}));
    byte[] encoded = ShardCodec.encodeOutput(out);
    assertThat(ShardCodec.encodeOutput(ShardCodec.decodeOutput(encoded))).isEqualTo(encoded);
    ShardOutput tensorOut = new ShardOutput.Tensors(List.of(new TensorRow(List.of(x))));
    assertThat(ShardCodec.decodeOutput(ShardCodec.encodeOutput(tensorOut))).isEqualTo(tensorOut);
  }

  @Test
  void everyTruncationFailsCleanly() {
    byte[] input =
        ShardCodec.encodeInput(new ShardInput.Texts(0, List.of("hello", "world", "again")));
    for (int n = 0; n < input.length; n++) {
      byte[] cut = Arrays.copyOf(input, n);
      assertThatThrownBy(() -> ShardCodec.decodeInput(cut))
          .isInstanceOf(CommitmentFormatException.class);
    }
    byte[] output =
        ShardCodec.encodeOutput(new ShardOutput.Embeddings(2, List.of(new float[] {1, 2})));
    for (int n = 0; n < output.length; n++) {
      byte[] cut = Arrays.copyOf(output, n);
      assertThatThrownBy(() -> ShardCodec.decodeOutput(cut))
          .isInstanceOf(CommitmentFormatException.class);
    }
  }

  @Test
  void rejectsNonCanonicalBytes() {
    byte[] ok = ShardCodec.encodeInput(new ShardInput.Texts(0, List.of("ab")));
    byte[] trailing = Arrays.copyOf(ok, ok.length + 1);
    assertThatThrownBy(() -> ShardCodec.decodeInput(trailing)).hasMessageContaining("trailing");

    byte[] badUtf8 = ok.clone();
    badUtf8[badUtf8.length - 1] = (byte) 0xC3; // a lead byte with no continuation
    assertThatThrownBy(() -> ShardCodec.decodeInput(badUtf8))
        .isInstanceOf(CommitmentFormatException.class)
        .hasMessageContaining("row 0 is not valid UTF-8");

    byte[] badVersion = ok.clone();
    badVersion[0] = 2;
    assertThatThrownBy(() -> ShardCodec.decodeInput(badVersion)).hasMessageContaining("version 2");

    byte[] hugeCount = ok.clone();
    hugeCount[10] = 0x7f;
    assertThatThrownBy(() -> ShardCodec.decodeInput(hugeCount)).hasMessageContaining("row count");

    byte[] output = ShardCodec.encodeOutput(new ShardOutput.Embeddings(1, List.of(new float[1])));
    // 0x7fc00001: a NaN with a payload, little-endian.
    output[output.length - 4] = 0x01;
    output[output.length - 2] = (byte) 0xc0;
    output[output.length - 1] = 0x7f;
    assertThatThrownBy(() -> ShardCodec.decodeOutput(output))
        .hasMessageContaining("non-canonical NaN");
  }

  @Test
  void rejectsUnsortedTensorNamesAndLoneSurrogates() {
    Tensor b = new Tensor("b", TensorType.INT8, new long[] {1}, new byte[] {1});
    Tensor a = new Tensor("a", TensorType.INT8, new long[] {1}, new byte[] {2});
    byte[] bytes =
        ShardCodec.encodeInput(new ShardInput.Tensors(0, List.of(new TensorRow(List.of(a, b)))));
    // Swap the one-letter names in place: "a" then "b" becomes "b" then "a".
    int first = 18; // header 14 bytes + tensor count 2 + name length 2 = offset of 'a'
    assertThat(bytes[first]).isEqualTo((byte) 'a');
    bytes[first] = 'b';
    bytes[first + 1 + 1 + 1 + 8 + 1 + 2] = 'a';
    assertThatThrownBy(() -> ShardCodec.decodeInput(bytes)).hasMessageContaining("ascending order");

    assertThatThrownBy(
            () -> ShardCodec.encodeInput(new ShardInput.Texts(0, List.of("ok", "bad \uD800"))))
        .hasMessageContaining("row 1");
  }

  private static byte[] longLe(long v) {
    byte[] out = new byte[8];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (v >>> (8 * i));
    }
    return out;
  }

  @Test
  void randomlyCorruptedBytesFailOnlyWithTheTypedError() {
    Tensor x = new Tensor("x", TensorType.FLOAT32, new long[] {2, 2}, new byte[16]);
    List<byte[]> valid =
        List.of(
            ShardCodec.encodeInput(new ShardInput.Texts(1, List.of("abc", "ünï", ""))),
            ShardCodec.encodeInput(new ShardInput.Tensors(0, List.of(new TensorRow(List.of(x))))),
            ShardCodec.encodeOutput(new ShardOutput.Embeddings(3, List.of(new float[3]))),
            ShardCodec.encodeOutput(new ShardOutput.Tensors(List.of(new TensorRow(List.of(x))))));
    java.util.Random random = new java.util.Random(1);
    for (int round = 0; round < 4000; round++) {
      byte[] bytes = valid.get(round % valid.size()).clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      boolean input = round % valid.size() < 2;
      try {
        if (input) {
          assertThat(ShardCodec.encodeInput(ShardCodec.decodeInput(bytes))).isEqualTo(bytes);
        } else {
          assertThat(ShardCodec.encodeOutput(ShardCodec.decodeOutput(bytes))).isEqualTo(bytes);
        }
      } catch (CommitmentFormatException expected) {
        // The only failure allowed.
      }
    }
  }
}
