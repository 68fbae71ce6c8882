package io.hyphae.protocol.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.protocol.multiformats.FormatException;
import io.hyphae.protocol.multiformats.Multihash;
import org.junit.jupiter.api.Test;

class PeerIdTest {

  @Test
  void parsesSha256PeerIdsOfLongKeys() {
    // a peer id of an RSA key (sha2-256 multihash), as printed by go-ipfs
    String qm = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
    PeerId id = PeerId.parse(qm);
    assertThat(id.multihash().code()).isEqualTo(Multihash.SHA2_256);
    assertThat(id.toBase58()).isEqualTo(qm);
    assertThat(id.publicKey()).isEmpty();
    assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
  }

  @Test
  void rejectsMalformedText() {
    assertThatThrownBy(() -> PeerId.parse("")).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PeerId.parse("12D3KooW0000")).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PeerId.parse("zQm")).isInstanceOf(FormatException.class);
    // a CID with the raw codec (0x55) is not a peer id
    assertThatThrownBy(
            () -> PeerId.parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("libp2p-key");
    assertThatThrownBy(() -> PeerId.fromBytes(new byte[] {0x12, 0x20, 1}))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PeerId.fromBytes(new byte[] {0x00, 0x03, 1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
