package io.hyphae.contracts.chain;

import io.hyphae.contracts.generated.JobMarket;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.Arrays;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * EIP-712 typed data of the Hyphae market, byte for byte as {@code JobMarket} hashes it: the domain
 * {name "Hyphae", version "1", chainId, verifyingContract = the market}, signed bids and per-shard
 * result receipts. Signatures are 65 bytes {@code r || s || v} with low s and v in {27, 28}.
 */
public final class Eip712 {

  public static final String NAME = "Hyphae";
  public static final String VERSION = "1";
  public static final String DOMAIN_TYPE =
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
  public static final String BID_TYPE =
      "Bid(uint256 jobId,address provider,uint32 firstShard,uint32 shardCount,uint8 replica,"
          + "uint96 pricePerShard,uint96 collateral,uint64 expiry)";
  public static final String RECEIPT_TYPE =
      "ShardReceipt(uint256 jobId,uint32 shard,bytes32 inputLeaf,bytes32 outputHash,"
          + "bytes32 profileHash,address provider)";

  /** A provider's signed statement of one shard's result. */
  public record ShardReceipt(
      BigInteger jobId,
      long shard,
      byte[] inputLeaf,
      byte[] outputHash,
      byte[] profileHash,
      String provider) {
    public ShardReceipt {
      inputLeaf = word(inputLeaf, "inputLeaf");
      outputHash = word(outputHash, "outputHash");
      profileHash = word(profileHash, "profileHash");
    }
  }

  private final byte[] domainSeparator;

  /** The domain of the market at {@code marketAddress} on chain {@code chainId}. */
  public Eip712(long chainId, String marketAddress) {
    this.domainSeparator =
        Hash.sha3(
            concat(
                typeHash(DOMAIN_TYPE),
                Hash.sha3(NAME.getBytes(StandardCharsets.UTF_8)),
                Hash.sha3(VERSION.getBytes(StandardCharsets.UTF_8)),
                uint(BigInteger.valueOf(chainId)),
                address(marketAddress)));
  }

  public byte[] domainSeparator() {
    return domainSeparator.clone();
  }

  public byte[] bidDigest(JobMarket.Bid bid) {
    return digest(
        Hash.sha3(
            concat(
                typeHash(BID_TYPE),
                uint(bid.jobId),
                address(bid.provider),
                uint(bid.firstShard),
                uint(bid.shardCount),
                uint(bid.replica),
                uint(bid.pricePerShard),
                uint(bid.collateral),
                uint(bid.expiry))));
  }

  public byte[] receiptDigest(ShardReceipt r) {
    return digest(
        Hash.sha3(
            concat(
                typeHash(RECEIPT_TYPE),
                uint(r.jobId()),
                uint(BigInteger.valueOf(r.shard())),
                r.inputLeaf(),
                r.outputHash(),
                r.profileHash(),
                address(r.provider()))));
  }

  /** Signs a digest: 65 bytes {@code r || s || v}; web3j normalises s to the low half. */
  public static byte[] sign(byte[] digest, Credentials signer) {
    Sign.SignatureData sig = Sign.signMessage(digest, signer.getEcKeyPair(), false);
    return concat(sig.getR(), sig.getS(), sig.getV());
  }

  /**
   * The address that signed {@code digest}.
   *
   * @throws SignatureException when the signature is malformed or recovers no key
   */
  public static String recover(byte[] digest, byte[] signature) throws SignatureException {
    if (signature.length != 65) {
      throw new SignatureException("signature must be 65 bytes, got " + signature.length);
    }
    byte v = signature[64];
    if (v != 27 && v != 28) {
      throw new SignatureException("signature v must be 27 or 28, got " + v);
    }
    Sign.SignatureData data =
        new Sign.SignatureData(
            v, Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64));
    try {
      BigInteger key = Sign.signedMessageHashToKey(digest, data);
      return Keys.toChecksumAddress(Keys.getAddress(key));
    } catch (IllegalArgumentException e) {
      throw new SignatureException("signature recovers no key: " + e.getMessage(), e);
    }
  }

  private byte[] digest(byte[] structHash) {
    return Hash.sha3(concat(new byte[] {0x19, 0x01}, domainSeparator, structHash));
  }

  private static byte[] typeHash(String type) {
    return Hash.sha3(type.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] uint(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    return Numeric.toBytesPadded(value, 32);
  }

  static byte[] address(String address) {
    byte[] raw = Numeric.hexStringToByteArray(address);
    if (raw.length != 20) {
      throw new IllegalArgumentException("not an address: " + address);
    }
    byte[] word = new byte[32];
    System.arraycopy(raw, 0, word, 12, 20);
    return word;
  }

  static byte[] word(byte[] value, String what) {
    if (value == null || value.length != 32) {
      throw new IllegalArgumentException(what + " must be 32 bytes");
    }
    return value.clone();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
