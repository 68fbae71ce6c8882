package io.hyphae.protocol.multiaddr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.protocol.JsVectors;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MultiaddrTest {

  @Test
  void textAndBytesMatchJsMultiaddr() {
    for (JsonNode v : JsVectors.get("multiaddrs")) {
      String text = v.get("text").asText();
      byte[] bytes = JsVectors.hex(v, "bytes");
      Multiaddr parsed = Multiaddr.parse(text);
      assertThat(parsed.toBytes()).as(text).isEqualTo(bytes);
      assertThat(Multiaddr.fromBytes(bytes)).isEqualTo(parsed);
      assertThat(parsed.toString()).isEqualTo(text);
    }
  }

  @Test
  void readsPeerIdAndParts() {
    Multiaddr a =
        Multiaddr.parse(
            "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf");
    assertThat(a.peerId()).isPresent();
    assertThat(a.valueText(Protocol.TCP)).contains("4001");
    assertThat(a.withoutPeerId().toString()).isEqualTo("/ip4/127.0.0.1/tcp/4001");
    assertThat(
            Multiaddr.parse("/ipfs/12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf")
                .toString())
        .startsWith("/p2p/");
  }

  @Test
  void rejectsUnknownProtocolsAndBadValuesClearly() {
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1"))
        .isInstanceOf(MultiaddrException.class)
        .hasMessageContaining("'/udp'");
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/300.0.0.1"))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/localhost"))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.parse("/tcp/70000")).isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.parse("/tcp")).isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.parse("ip4/1.2.3.4")).isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.parse("/p2p/notapeerid"))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.parse("/")).isInstanceOf(MultiaddrException.class);
  }

  @Test
  void rejectsTruncatedAndUnknownBinary() {
    HexFormat hex = HexFormat.of();
    assertThatThrownBy(() -> Multiaddr.fromBytes(hex.parseHex("047f0000")))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.fromBytes(hex.parseHex("0601")))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.fromBytes(hex.parseHex("9102")))
        .isInstanceOf(MultiaddrException.class)
        .hasMessageContaining("273");
    assertThatThrownBy(() -> Multiaddr.fromBytes(hex.parseHex("36ff")))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.fromBytes(hex.parseHex("36ffffffffffffffffff01")))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.fromBytes(new byte[0]))
        .isInstanceOf(MultiaddrException.class);
    assertThatThrownBy(() -> Multiaddr.fromBytes(new byte[2000]))
        .isInstanceOf(MultiaddrException.class);
  }
}
