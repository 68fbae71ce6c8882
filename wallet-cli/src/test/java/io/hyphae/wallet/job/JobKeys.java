package io.hyphae.wallet.job;

import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.generated.JobMarket;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.job.BidMessage;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/** Real keys and signatures for the job unit tests (devnet accounts, a fixed market domain). */
final class JobKeys {

  static final Eip712 EIP712 = new Eip712(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  static final DevnetAccounts ACCOUNTS = new DevnetAccounts();

  private JobKeys() {}

  static Credentials account(int i) {
    return ACCOUNTS.account(i);
  }

  static ProviderRef provider(int i) {
    Secp256k1PrivKey key =
        Secp256k1PrivKey.fromBytes(
            Numeric.toBytesPadded(account(i).getEcKeyPair().getPrivateKey(), 32));
    PeerId id = PeerId.fromPublicKey(key.publicKey());
    return ProviderRef.of("p" + i, Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + id));
  }

  /** A bid signed by {@code signer} (normally the provider itself). */
  static BidMessage bid(
      int provider, int signer, BigInteger jobId, ShardRange r, int replica, BigInteger price) {
    String address = account(provider).getAddress();
    BigInteger collateral = price.multiply(BigInteger.valueOf(r.shardCount()));
    long expiry = 2_000_000_000L;
    JobMarket.Bid b =
        new JobMarket.Bid(
            jobId,
            address,
            BigInteger.valueOf(r.firstShard()),
            BigInteger.valueOf(r.shardCount()),
            BigInteger.valueOf(replica),
            price,
            collateral,
            BigInteger.valueOf(expiry));
    byte[] sig = Eip712.sign(EIP712.bidDigest(b), account(signer));
    return new BidMessage(
        jobId, address, r.firstShard(), r.shardCount(), replica, price, collateral, expiry, sig);
  }
}
