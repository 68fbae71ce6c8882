package io.hyphae.contracts.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.contracts.generated.JobMarket;
import java.math.BigInteger;
import java.security.SignatureException;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

class Eip712Test {

  private static final Credentials KEY =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  private static final String MARKET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  private static JobMarket.Bid bid(BigInteger collateral) {
    return new JobMarket.Bid(
        BigInteger.valueOf(42),
        KEY.getAddress(),
        BigInteger.ZERO,
        BigInteger.valueOf(4),
        BigInteger.ZERO,
        BigInteger.valueOf(1000),
        collateral,
        BigInteger.valueOf(1_900_000_000L));
  }

  @Test
  void signatureRecoversTheSigner() throws SignatureException {
    Eip712 domain = new Eip712(31337, MARKET);
    byte[] digest = domain.bidDigest(bid(BigInteger.TEN));
    byte[] sig = Eip712.sign(digest, KEY);
    assertThat(sig).hasSize(65);
    assertThat(sig[64]).isIn((byte) 27, (byte) 28);
    assertThat(Eip712.recover(digest, sig)).isEqualToIgnoringCase(KEY.getAddress());
  }

  @Test
  void signaturesHaveLowS() {
    BigInteger halfOrder =
        new BigInteger("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", 16);
    Eip712 domain = new Eip712(31337, MARKET);
    for (int i = 0; i < 20; i++) {
      byte[] sig = Eip712.sign(domain.bidDigest(bid(BigInteger.valueOf(i))), KEY);
      BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
      assertThat(s).isLessThanOrEqualTo(halfOrder);
    }
  }

  @Test
  void anyChangedFieldOrDomainChangesTheDigest() {
    Eip712 domain = new Eip712(31337, MARKET);
    byte[] d = domain.bidDigest(bid(BigInteger.TEN));
    assertThat(domain.bidDigest(bid(BigInteger.ONE))).isNotEqualTo(d);
    assertThat(new Eip712(1, MARKET).bidDigest(bid(BigInteger.TEN))).isNotEqualTo(d);
    assertThat(
            new Eip712(31337, "0x0000000000000000000000000000000000000001")
                .bidDigest(bid(BigInteger.TEN)))
        .isNotEqualTo(d);
  }

  @Test
  void receiptDigestCoversEveryField() {
    Eip712 domain = new Eip712(31337, MARKET);
    byte[] h = Hash.sha3(new byte[] {1});
    Eip712.ShardReceipt r = new Eip712.ShardReceipt(BigInteger.ONE, 3, h, h, h, KEY.getAddress());
    Eip712.ShardReceipt other =
        new Eip712.ShardReceipt(BigInteger.ONE, 4, h, h, h, KEY.getAddress());
    assertThat(domain.receiptDigest(r)).isNotEqualTo(domain.receiptDigest(other));
  }

  @Test
  void malformedSignaturesAreRejected() {
    byte[] digest = new byte[32];
    assertThatThrownBy(() -> Eip712.recover(digest, new byte[64]))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("65 bytes");
    byte[] badV = new byte[65];
    badV[64] = 5;
    assertThatThrownBy(() -> Eip712.recover(digest, badV))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("v must be");
  }

  @Test
  void rejectsBadAddressesAndWords() {
    assertThatThrownBy(() -> new Eip712(1, "0x1234")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Eip712.ShardReceipt(BigInteger.ONE, 0, new byte[3], null, null, MARKET))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
