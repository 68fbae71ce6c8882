package io.hyphae.protocol.multiaddr;

import io.hyphae.protocol.multiformats.FormatException;
import io.hyphae.protocol.multiformats.Varint;
import io.hyphae.protocol.peer.PeerId;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** An immutable multiaddr: a list of (protocol, value) components. */
public final class Multiaddr {
  /** Longer encodings are refused, in text and in binary. */
  public static final int MAX_LENGTH = 1024;

  /** Longest DNS name (RFC 1035). */
  static final int MAX_DNS_NAME = 253;

  /** One component: a protocol and its binary value. */
  public record Component(Protocol protocol, byte[] value) {
    public Component {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
      return protocol.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "/" + protocol.text() + "/" + valueText(protocol, value);
    }
  }

  private final List<Component> components;

  private Multiaddr(List<Component> components) {
    this.components = List.copyOf(components);
  }

  public List<Component> components() {
    return components;
  }

  public static Multiaddr of(List<Component> components) {
    return new Multiaddr(components);
  }

  /** {@code /ip4|ip6/<ip>/tcp/<port>} from a socket address. */
  public static Multiaddr tcp(InetAddress ip, int port) {
    Protocol p = ip.getAddress().length == 4 ? Protocol.IP4 : Protocol.IP6;
    return new Multiaddr(
        List.of(new Component(p, ip.getAddress()), new Component(Protocol.TCP, portBytes(port))));
  }

  public Multiaddr withPeerId(PeerId peer) {
    List<Component> list = new ArrayList<>(components);
    list.removeIf(c -> c.protocol() == Protocol.P2P);
    list.add(new Component(Protocol.P2P, peer.toBytes()));
    return new Multiaddr(list);
  }

  public Multiaddr withoutPeerId() {
    List<Component> list = new ArrayList<>(components);
    list.removeIf(c -> c.protocol() == Protocol.P2P);
    return new Multiaddr(list);
  }

  public Optional<PeerId> peerId() {
    return value(Protocol.P2P).map(PeerId::fromBytes);
  }

  /** The first component's value for {@code protocol}. */
  public Optional<byte[]> value(Protocol protocol) {
    return components.stream()
        .filter(c -> c.protocol() == protocol)
        .findFirst()
        .map(Component::value);
  }

  /** The first value in text form, e.g. the host of {@code /dns4} or the port of {@code /tcp}. */
  public Optional<String> valueText(Protocol protocol) {
    return value(protocol).map(v -> valueText(protocol, v));
  }

  // ---- text ----

  public static Multiaddr parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new MultiaddrException("multiaddr longer than " + MAX_LENGTH + " characters");
    }
    if (!text.startsWith("/")) {
      throw new MultiaddrException("multiaddr must start with '/': " + text);
    }
    String[] parts = text.substring(1).split("/", -1);
    if (text.endsWith("/") && parts.length > 0) {
      parts = Arrays.copyOf(parts, parts.length - 1);
    }
    List<Component> list = new ArrayList<>();
    int i = 0;
    while (i < parts.length) {
      Protocol p = Protocol.byName(parts[i]);
      if (i + 1 >= parts.length || parts[i + 1].isEmpty()) {
        throw new MultiaddrException("/" + p.text() + " needs a value in " + text);
      }
      list.add(new Component(p, valueBytes(p, parts[i + 1])));
      i += 2;
    }
    if (list.isEmpty()) {
      throw new MultiaddrException("empty multiaddr");
    }
    return new Multiaddr(list);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Component c : components) {
      sb.append(c);
    }
    return sb.toString();
  }

  // ---- binary ----

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Component c : components) {
      Varint.write(c.protocol().code(), out);
      if (c.protocol().size() == Protocol.VARIABLE) {
        Varint.write(c.value.length, out);
      }
      out.writeBytes(c.value);
    }
    return out.toByteArray();
  }

  public static Multiaddr fromBytes(byte[] bytes) {
    if (bytes.length > MAX_LENGTH) {
      throw new MultiaddrException("multiaddr longer than " + MAX_LENGTH + " bytes");
    }
    if (bytes.length == 0) {
      throw new MultiaddrException("empty multiaddr");
    }
    List<Component> list = new ArrayList<>();
    int pos = 0;
    try {
      while (pos < bytes.length) {
        Varint.Decoded code = Varint.decode(bytes, pos);
        pos += code.length();
        Protocol p = Protocol.byCode(code.value());
        int size = p.size();
        if (size == Protocol.VARIABLE) {
          Varint.Decoded len = Varint.decode(bytes, pos);
          pos += len.length();
          if (len.value() > bytes.length - pos) {
            throw new MultiaddrException("/" + p.text() + " value overruns the multiaddr");
          }
          size = (int) len.value();
        }
        if (size > bytes.length - pos) {
          throw new MultiaddrException("truncated /" + p.text() + " value");
        }
        byte[] value = Arrays.copyOfRange(bytes, pos, pos + size);
        pos += size;
        validate(p, value);
        list.add(new Component(p, value));
      }
    } catch (MultiaddrException e) {
      throw e;
    } catch (FormatException e) {
      throw new MultiaddrException("malformed multiaddr: " + e.getMessage(), e);
    }
    return new Multiaddr(list);
  }

  private static void validate(Protocol p, byte[] value) {
    switch (p) {
      case DNS4, DNS6 -> {
        String name = new String(value, StandardCharsets.UTF_8);
        checkDnsName(name);
      }
      case P2P -> PeerId.fromBytes(value);
      default -> {}
    }
  }

  private static void checkDnsName(String name) {
    if (name.isEmpty() || name.length() > MAX_DNS_NAME || name.contains("/")) {
      throw new MultiaddrException("invalid DNS name '" + name + "'");
    }
  }

  private static byte[] portBytes(int port) {
    if (port < 0 || port > 65535) {
      throw new MultiaddrException("TCP port out of range: " + port);
    }
    return new byte[] {(byte) (port >>> 8), (byte) port};
  }

  private static byte[] valueBytes(Protocol p, String text) {
    try {
      return switch (p) {
        case IP4 -> {
          if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new MultiaddrException("invalid IPv4 address '" + text + "'");
          }
          byte[] b = InetAddress.getByName(text).getAddress();
          if (b.length != 4) {
            throw new MultiaddrException("invalid IPv4 address '" + text + "'");
          }
          yield b;
        }
        case IP6 -> {
          if (!text.contains(":") || !text.matches("[0-9a-fA-F:.]+")) {
            throw new MultiaddrException("invalid IPv6 address '" + text + "'");
          }
          byte[] b = InetAddress.getByName(text).getAddress();
          if (b.length == 4) {
            // an IPv4-mapped address: keep the 16-byte form
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(b, 0, mapped, 12, 4);
            b = mapped;
          }
          yield b;
        }
        case TCP -> {
          if (!text.matches("\\d{1,5}")) {
            throw new MultiaddrException("invalid TCP port '" + text + "'");
          }
          yield portBytes(Integer.parseInt(text));
        }
        case DNS4, DNS6 -> {
          checkDnsName(text);
          yield text.getBytes(StandardCharsets.UTF_8);
        }
        case P2P -> PeerId.parse(text).toBytes();
      };
    } catch (UnknownHostException e) {
      throw new MultiaddrException("invalid IP address '" + text + "'", e);
    } catch (MultiaddrException e) {
      throw e;
    } catch (FormatException e) {
      throw new MultiaddrException(
          "invalid /" + p.text() + " value '" + text + "': " + e.getMessage(), e);
    }
  }

  static String valueText(Protocol p, byte[] value) {
    return switch (p) {
      case IP4, IP6 -> {
        try {
          String s = InetAddress.getByAddress(value).getHostAddress();
          yield p == Protocol.IP6 ? compressIpv6(value) : s;
        } catch (UnknownHostException e) {
          throw new MultiaddrException("invalid IP bytes", e);
        }
      }
      case TCP -> Integer.toString(((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
      case DNS4, DNS6 -> new String(value, StandardCharsets.UTF_8);
      case P2P -> PeerId.fromBytes(value).toBase58();
    };
  }

  /** RFC 5952 text (longest zero run as ::), as Go and js print IPv6 addresses. */
  private static String compressIpv6(byte[] b) {
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multiaddr m && m.components.equals(components);
  }

  @Override
  public int hashCode() {
    return components.hashCode();
  }
}
