package io.hyphae.protocol.p2p.noise;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The Noise XX handshake state machine, pure: {@code -> e; <- e, ee, s, es; -> s, se}. The caller
 * frames messages and checks payloads; this class only does the Noise arithmetic, in the order the
 * pattern fixes, and refuses calls out of order.
 */
public final class NoiseXxHandshake {
  static final byte[] PROTOCOL_NAME =
      "Noise_XX_25519_ChaChaPoly_SHA256".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  /** Where the handshake stands. */
  public enum State {
    /** Initiator writes A, responder reads A. */
    MESSAGE_A,
    MESSAGE_B,
    MESSAGE_C,
    DONE,
    FAILED
  }

  /** The two transport ciphers after the handshake. */
  public record Split(CipherPair ciphers, byte[] remoteStatic) {}

  private final boolean initiator;
  private final X25519KeyPair s;
  private final X25519KeyPair e;
  private byte[] rs;
  private byte[] re;
  private byte[] h;
  private byte[] ck;
  private CipherState cs;
  private State state = State.MESSAGE_A;

  /** Handshakes with the empty prologue, as libp2p does. */
  public NoiseXxHandshake(boolean initiator, X25519KeyPair staticKey, X25519KeyPair ephemeral) {
    this.initiator = initiator;
    this.s = staticKey;
    this.e = ephemeral;
    // a 32-byte protocol name is h itself, unhashed
    this.h = PROTOCOL_NAME.clone();
    this.ck = h.clone();
    mixHash(EMPTY); // the empty prologue
  }

  public State state() {
    return state;
  }

  public boolean isInitiator() {
    return initiator;
  }

  /** The remote's static key, known after message B (initiator) or C (responder). */
  public byte[] remoteStatic() {
    return rs == null ? null : rs.clone();
  }

  // ---- initiator ----

  public byte[] writeMessageA(byte[] payload) {
    expect(true, State.MESSAGE_A);
    byte[] ePub = e.publicKey();
    mixHash(ePub);
    byte[] body = encryptAndHash(payload);
    state = State.MESSAGE_B;
    return concat(ePub, body);
  }

  public byte[] readMessageB(byte[] message) throws NoiseException {
    expect(true, State.MESSAGE_B);
    try {
      if (message.length < 32 + 48 + CipherState.TAG) {
        throw malformed("Noise message B too short: " + message.length + " bytes");
      }
      re = Arrays.copyOfRange(message, 0, 32);
      mixHash(re);
      mixKey(e.dh(re));
      rs = decryptAndHash(Arrays.copyOfRange(message, 32, 80));
      mixKey(e.dh(rs));
      byte[] payload = decryptAndHash(Arrays.copyOfRange(message, 80, message.length));
      state = State.MESSAGE_C;
      return payload;
    } catch (NoiseException ex) {
      state = State.FAILED;
      throw ex;
    }
  }

  public byte[] writeMessageC(byte[] payload) {
    expect(true, State.MESSAGE_C);
    byte[] encS = encryptAndHash(s.publicKey());
    try {
      mixKey(s.dh(re));
    } catch (NoiseException ex) {
      state = State.FAILED;
      throw new IllegalStateException("remote ephemeral key was checked in message B", ex);
    }
    byte[] body = encryptAndHash(payload);
    state = State.DONE;
    return concat(encS, body);
  }

  // ---- responder ----

  public byte[] readMessageA(byte[] message) throws NoiseException {
    expect(false, State.MESSAGE_A);
    try {
      if (message.length < 32) {
        throw malformed("Noise message A too short: " + message.length + " bytes");
      }
      re = Arrays.copyOfRange(message, 0, 32);
      mixHash(re);
      byte[] payload = decryptAndHash(Arrays.copyOfRange(message, 32, message.length));
      state = State.MESSAGE_B;
      return payload;
    } catch (NoiseException ex) {
      state = State.FAILED;
      throw ex;
    }
  }

  public byte[] writeMessageB(byte[] payload) throws NoiseException {
    expect(false, State.MESSAGE_B);
    try {
      byte[] ePub = e.publicKey();
      mixHash(ePub);
      mixKey(e.dh(re));
      byte[] encS = encryptAndHash(s.publicKey());
      mixKey(s.dh(re));
      byte[] body = encryptAndHash(payload);
      state = State.MESSAGE_C;
      return concat(concat(ePub, encS), body);
    } catch (NoiseException ex) {
      state = State.FAILED;
      throw ex;
    }
  }

  public byte[] readMessageC(byte[] message) throws NoiseException {
    expect(false, State.MESSAGE_C);
    try {
      if (message.length < 48 + CipherState.TAG) {
        throw malformed("Noise message C too short: " + message.length + " bytes");
      }
      rs = decryptAndHash(Arrays.copyOfRange(message, 0, 48));
      mixKey(e.dh(rs));
      byte[] payload = decryptAndHash(Arrays.copyOfRange(message, 48, message.length));
      state = State.DONE;
      return payload;
    } catch (NoiseException ex) {
      state = State.FAILED;
      throw ex;
    }
  }

  /** The transport ciphers: initiator sends with the first key, the responder with the second. */
  public CipherPair split() {
    if (state != State.DONE) {
      throw new IllegalStateException("Noise handshake not done: " + state);
    }
    byte[][] keys = hkdf(ck, EMPTY);
    CipherState first = new CipherState(keys[0]);
    CipherState second = new CipherState(keys[1]);
    return initiator ? new CipherPair(first, second) : new CipherPair(second, first);
  }

  // ---- symmetric state ----

  private void expect(boolean asInitiator, State wanted) {
    if (initiator != asInitiator || state != wanted) {
      throw new IllegalStateException(
          "Noise call out of order: " + (initiator ? "initiator" : "responder") + " in " + state);
    }
  }

  private static NoiseException malformed(String message) {
    return new NoiseException(NoiseException.Reason.MALFORMED, message);
  }

  private void mixHash(byte[] data) {
    h = sha256(concat(h, data));
  }

  private void mixKey(byte[] ikm) {
    byte[][] out = hkdf(ck, ikm);
    ck = out[0];
    cs = new CipherState(out[1]);
  }

  private byte[] encryptAndHash(byte[] plaintext) {
    byte[] out = cs == null ? plaintext.clone() : cs.encrypt(h, plaintext);
    mixHash(out);
    return out;
  }

  private byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
    byte[] out = cs == null ? ciphertext.clone() : cs.decrypt(h, ciphertext);
    mixHash(ciphertext);
    return out;
  }

  private static byte[][] hkdf(byte[] chainingKey, byte[] ikm) {
    byte[] temp = hmac(chainingKey, ikm);
    byte[] out1 = hmac(temp, new byte[] {1});
    byte[] out2 = hmac(temp, concat(out1, new byte[] {2}));
    return new byte[][] {out1, out2};
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, data.length);
    byte[] out = new byte[32];
    mac.doFinal(out, 0);
    return out;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("the JDK always has SHA-256", ex);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
