package io.hyphae.protocol.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultiformatsTest {

  @Test
  void base58KnownValuesAndRoundTrips() {
    assertThat(Base58.encode("hello world".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("StV1DL6CwTryKyV");
    assertThat(Base58.encode(new byte[] {0, 0, 1})).isEqualTo("112");
    assertThat(Base58.decode("112")).containsExactly(0, 0, 1);
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[r.nextInt(50)];
      r.nextBytes(b);
      if (b.length > 0) {
        assertThat(Base58.decode(Base58.encode(b))).isEqualTo(b);
      }
    }
    assertThatThrownBy(() -> Base58.decode("0OIl")).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Base58.decode("1".repeat(600))).isInstanceOf(FormatException.class);
  }

  @Test
  void base32Rfc4648Vectors() {
    assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6ytboi");
    assertThat(Base32.encode("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("my");
    assertThat(new String(Base32.decode("MZXW6YTBOI"), StandardCharsets.US_ASCII))
        .isEqualTo("foobar");
    assertThatThrownBy(() -> Base32.decode("mz")).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Base32.decode("m1")).isInstanceOf(FormatException.class);
  }

  @Test
  void varintsAreMinimalAndBounded() {
    assertThat(Varint.encode(300)).containsExactly(0xac, 0x02);
    assertThat(Varint.decode(new byte[] {(byte) 0xac, 0x02}, 0).value()).isEqualTo(300);
    assertThatThrownBy(() -> Varint.decode(new byte[] {(byte) 0x81, 0x00}, 0))
        .hasMessageContaining("non-minimal");
    assertThatThrownBy(() -> Varint.decode(new byte[] {(byte) 0x81}, 0))
        .hasMessageContaining("truncated");
    byte[] tooLong = new byte[10];
    java.util.Arrays.fill(tooLong, (byte) 0xff);
    assertThatThrownBy(() -> Varint.decode(tooLong, 0)).isInstanceOf(FormatException.class);
  }

  @Test
  void multihashAndCid() {
    Multihash mh = Multihash.sha256("hello".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(mh.encode()))
        .isEqualTo("12202cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(Multihash.decode(mh.encode())).isEqualTo(mh);
    Cid cid = new Cid(Cid.LIBP2P_KEY, mh);
    assertThat(Cid.parse(cid.toText())).isEqualTo(cid);
    assertThatThrownBy(() -> Multihash.decode(new byte[] {0x11, 0x01, 0x00}))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Multihash.decode(new byte[] {0x00, 0x05, 0x00}))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Cid.decode(new byte[] {0x00})).isInstanceOf(FormatException.class);
  }
}
