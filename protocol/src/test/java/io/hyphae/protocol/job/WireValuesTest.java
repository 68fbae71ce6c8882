package io.hyphae.protocol.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.commitment.Bytes32;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class WireValuesTest {

  @Test
  void uint256RoundTripsAtTheEdges() {
    BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    for (BigInteger v :
        new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(255), max}) {
      ByteString wire = WireValues.uint256(v);
      assertEquals(v, WireValues.uint256(wire, "v"));
    }
    assertEquals(0, WireValues.uint256(BigInteger.ZERO).size());
    assertEquals(1, WireValues.uint256(BigInteger.valueOf(255)).size());
    assertEquals(32, WireValues.uint256(max).size());
    assertThrows(IllegalArgumentException.class, () -> WireValues.uint256(max.add(BigInteger.ONE)));
    assertThrows(IllegalArgumentException.class, () -> WireValues.uint256(BigInteger.ONE.negate()));
  }

  @Test
  void malformedFieldsNameTheField() {
    var e =
        assertThrows(
            WireValues.WireFormatException.class,
            () -> WireValues.uint256(ByteString.copyFrom(new byte[33]), "price_per_shard_wei"));
    assertEquals("price_per_shard_wei has 33 bytes; a uint256 has 32", e.getMessage());
    assertThrows(
        WireValues.WireFormatException.class,
        () -> WireValues.address(ByteString.copyFrom(new byte[19]), "provider"));
    assertThrows(
        WireValues.WireFormatException.class,
        () -> WireValues.bytes32(ByteString.copyFrom(new byte[31]), "output_hash"));
    assertThrows(
        WireValues.WireFormatException.class,
        () -> WireValues.signature(ByteString.copyFrom(new byte[64]), "signature"));
  }

  @Test
  void addressesAndHashesRoundTrip() {
    String a = "0x00112233445566778899aabbccddeeff00112233";
    assertEquals(
        a, WireValues.address(WireValues.address(a.toUpperCase().replace("0X", "0x")), "a"));
    Bytes32 h = Bytes32.wrap(new byte[32]);
    assertEquals(h, WireValues.bytes32(WireValues.bytes32(h), "h"));
  }
}
