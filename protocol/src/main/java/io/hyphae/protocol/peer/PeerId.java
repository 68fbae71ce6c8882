package io.hyphae.protocol.peer;

import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.multiformats.Base58;
import io.hyphae.protocol.multiformats.Cid;
import io.hyphae.protocol.multiformats.FormatException;
import io.hyphae.protocol.multiformats.Multihash;
import java.util.Arrays;
import java.util.Optional;

/** A libp2p peer id: a multihash of the peer's protobuf-encoded public key. */
public final class PeerId {
  /** Encoded keys up to this length are inlined with the identity multihash (peer-ids spec). */
  public static final int MAX_INLINE_KEY_LENGTH = 42;

  private final Multihash multihash;
  private final byte[] bytes;

  private PeerId(Multihash multihash) {
    this.multihash = multihash;
    this.bytes = multihash.encode();
  }

  public static PeerId fromPublicKey(PubKey key) {
    byte[] encoded = key.marshal();
    return new PeerId(
        encoded.length <= MAX_INLINE_KEY_LENGTH
            ? Multihash.identity(encoded)
            : Multihash.sha256(encoded));
  }

  /** Decodes the binary form (a multihash), as carried in multiaddrs and protocol messages. */
  public static PeerId fromBytes(byte[] bytes) {
    Multihash mh = Multihash.decode(bytes);
    if (mh.code() == Multihash.IDENTITY) {
      if (mh.digest().length > MAX_INLINE_KEY_LENGTH) {
        throw new FormatException("identity peer id inlines more than 42 key bytes");
      }
      PubKey.unmarshal(mh.digest());
    }
    return new PeerId(mh);
  }

  /** Parses base58btc ({@code Qm}, {@code 12D3KooW}, {@code 16Uiu2HA}...) or CIDv1 text. */
  public static PeerId parse(String text) {
    if (text.startsWith("Qm") || text.startsWith("1")) {
      return fromBytes(Base58.decode(text));
    }
    Cid cid;
    try {
      cid = Cid.parse(text);
    } catch (FormatException e) {
      throw new FormatException("not a peer id (base58btc or base32 CID): " + text, e);
    }
    if (cid.codec() != Cid.LIBP2P_KEY) {
      throw new FormatException(
          "CID codec 0x" + Long.toHexString(cid.codec()) + " is not libp2p-key (0x72)");
    }
    return fromBytes(cid.multihash().encode());
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public Multihash multihash() {
    return multihash;
  }

  public String toBase58() {
    return Base58.encode(bytes);
  }

  public String toCid() {
    return new Cid(Cid.LIBP2P_KEY, multihash).toText();
  }

  /** The public key, when the id inlines it (identity multihash). */
  public Optional<PubKey> publicKey() {
    return multihash.code() == Multihash.IDENTITY
        ? Optional.of(PubKey.unmarshal(multihash.digest()))
        : Optional.empty();
  }

  /**
   * The key this id names: the inlined one, else {@code carried} (an encoded key sent alongside the
   * id, like pubsub's {@code key} field) when it hashes to this id. Empty when neither holds, when
   * {@code carried} contradicts an inlined key, or when {@code carried} is malformed.
   */
  public Optional<PubKey> publicKey(byte[] carried) {
    boolean hasCarried = carried != null && carried.length > 0;
    if (multihash.code() == Multihash.IDENTITY) {
      byte[] inlined = multihash.digest();
      if (hasCarried && !Arrays.equals(carried, inlined)) {
        return Optional.empty();
      }
      return Optional.of(PubKey.unmarshal(inlined));
    }
    if (!hasCarried) {
      return Optional.empty();
    }
    try {
      PubKey key = PubKey.unmarshal(carried);
      return matches(key) ? Optional.of(key) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** True when {@code key} is the key this id names. */
  public boolean matches(PubKey key) {
    return equals(fromPublicKey(key));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && Arrays.equals(p.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toBase58();
  }
}
