package io.hyphae.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.protocol.JsVectors;
import io.hyphae.protocol.peer.PeerId;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

class KeysGoldenTest {

  @Test
  void ed25519KeyPeerIdAndSignatureMatchJs() {
    JsonNode v = JsVectors.get("ed25519");
    PrivKey key = Ed25519PrivKey.fromBytes(JsVectors.hex(v, "privateRaw"));
    checkVector(v, key);
    assertThat(PeerId.fromPublicKey(key.publicKey()).toBase58()).startsWith("12D3KooW");
  }

  @Test
  void secp256k1KeyPeerIdAndLowSSignatureMatchJs() {
    JsonNode v = JsVectors.get("secp256k1");
    PrivKey key = Secp256k1PrivKey.fromBytes(JsVectors.hex(v, "privateRaw"));
    checkVector(v, key);
    assertThat(PeerId.fromPublicKey(key.publicKey()).toBase58()).startsWith("16Uiu2HA");
  }

  private static void checkVector(JsonNode v, PrivKey key) {
    assertThat(key.publicKey().marshal()).isEqualTo(JsVectors.hex(v, "publicProtobuf"));
    PeerId id = PeerId.fromPublicKey(key.publicKey());
    assertThat(id.toBase58()).isEqualTo(v.get("peerIdBase58").asText());
    assertThat(id.toCid()).isEqualTo(v.get("peerIdCid").asText());
    assertThat(id.toBytes()).isEqualTo(JsVectors.hex(v, "peerIdBytes"));
    assertThat(PeerId.parse(v.get("peerIdCid").asText())).isEqualTo(id);
    assertThat(PeerId.parse(v.get("peerIdBase58").asText())).isEqualTo(id);
    assertThat(id.publicKey()).contains(key.publicKey());
    byte[] message = JsVectors.hex(v, "message");
    assertThat(key.sign(message)).isEqualTo(JsVectors.hex(v, "signature"));
    assertThat(key.publicKey().verify(message, JsVectors.hex(v, "signature"))).isTrue();
    assertThat(PrivKey.unmarshal(key.marshal()).publicKey()).isEqualTo(key.publicKey());
    assertThat(PubKey.unmarshal(key.publicKey().marshal())).isEqualTo(key.publicKey());
  }

  @Test
  void secp256k1SignaturesAreAlwaysLowS() throws Exception {
    SecureRandom random = new SecureRandom();
    BigInteger halfN = Secp256k1.CURVE.getN().shiftRight(1);
    for (int i = 0; i < 64; i++) {
      PrivKey key = Secp256k1PrivKey.generate(random);
      byte[] msg = new byte[] {(byte) i};
      byte[] sig = key.sign(msg);
      ASN1Sequence seq = ASN1Sequence.getInstance(sig);
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      assertThat(s).isLessThanOrEqualTo(halfN);
      assertThat(key.publicKey().verify(msg, sig)).isTrue();
      assertThat(key.publicKey().verify(new byte[] {(byte) (i + 1)}, sig)).isFalse();
    }
  }

  @Test
  void verifyRejectsGarbageAndTamperedSignatures() throws Exception {
    PrivKey secp = Secp256k1PrivKey.generate(new SecureRandom());
    byte[] msg = "m".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] sig = secp.sign(msg);
    assertThat(secp.publicKey().verify(msg, new byte[0])).isFalse();
    assertThat(secp.publicKey().verify(msg, new byte[] {0x30, 0x02, 0x02})).isFalse();
    assertThat(secp.publicKey().verify(msg, Arrays.copyOf(sig, sig.length - 1))).isFalse();
    ASN1Sequence seq = ASN1Sequence.getInstance(sig);
    byte[] zeroR =
        new DERSequence(new ASN1Integer[] {new ASN1Integer(0), (ASN1Integer) seq.getObjectAt(1)})
            .getEncoded();
    assertThat(secp.publicKey().verify(msg, zeroR)).isFalse();
    PrivKey ed = Ed25519PrivKey.generate(new SecureRandom());
    byte[] edSig = ed.sign(msg);
    edSig[5] ^= 1;
    assertThat(ed.publicKey().verify(msg, edSig)).isFalse();
    assertThat(ed.publicKey().verify(msg, new byte[63])).isFalse();
  }

  @Test
  void malformedKeysFailWithKeyFormatException() {
    assertThatThrownBy(() -> PubKey.unmarshal(new byte[] {0x08, 0x00, 0x12, 0x01, 0x00}))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageContaining("RSA");
    assertThatThrownBy(() -> PubKey.unmarshal(new byte[] {0x08, 0x02, 0x12, 0x21, 0x02}))
        .isInstanceOf(KeyFormatException.class);
    byte[] offCurve = new byte[65];
    offCurve[0] = 0x04;
    offCurve[32] = 1;
    offCurve[64] = 1;
    assertThatThrownBy(() -> Secp256k1PubKey.fromBytes(offCurve))
        .isInstanceOf(KeyFormatException.class);
    assertThatThrownBy(() -> Secp256k1PrivKey.fromBytes(new byte[32]))
        .isInstanceOf(KeyFormatException.class);
    assertThatThrownBy(() -> PubKey.unmarshal(new byte[300]))
        .isInstanceOf(KeyFormatException.class);
  }
}
