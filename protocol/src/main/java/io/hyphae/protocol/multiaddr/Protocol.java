package io.hyphae.protocol.multiaddr;

/** The multiaddr protocols we know: code from the multicodec table, value size in bytes. */
public enum Protocol {
  IP4(4, "ip4", 4),
  TCP(6, "tcp", 2),
  IP6(41, "ip6", 16),
  DNS4(54, "dns4", -1),
  DNS6(55, "dns6", -1),
  P2P(421, "p2p", -1);

  static final int VARIABLE = -1;

  private final int code;
  private final String text;
  private final int size;

  Protocol(int code, String text, int size) {
    this.code = code;
    this.text = text;
    this.size = size;
  }

  public int code() {
    return code;
  }

  public String text() {
    return text;
  }

  /** Fixed value size in bytes, or -1 for a varint-length-prefixed value. */
  public int size() {
    return size;
  }

  static Protocol byCode(long code) {
    for (Protocol p : values()) {
      if (p.code == code) {
        return p;
      }
    }
    throw new MultiaddrException("unsupported multiaddr protocol code " + code);
  }

  static Protocol byName(String name) {
    if (name.equals("ipfs")) {
      return P2P; // the old name of /p2p
    }
    for (Protocol p : values()) {
      if (p.text.equals(name)) {
        return p;
      }
    }
    throw new MultiaddrException(
        "unsupported multiaddr protocol '/" + name + "' (known: /ip4 /ip6 /tcp /dns4 /dns6 /p2p)");
  }
}
