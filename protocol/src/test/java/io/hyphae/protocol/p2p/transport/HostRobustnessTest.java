package io.hyphae.protocol.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.protocol.LeakRecorder;
import io.hyphae.protocol.crypto.Ed25519PrivKey;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiaddr.Protocol;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.ConnectionLimits;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server under bad clients: garbage, oversized and silent connections, stream floods and
 * connection limits. Each is refused with the connection or stream closed, the server keeps
 * serving, and no buffer leaks.
 */
class HostRobustnessTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_STREAMS = 4;
  private static final List<Libp2pHost> hosts = new ArrayList<>();
  private static Libp2pHost server;
  private static Libp2pHost client;

  private static Libp2pHost start(HostConfig config) throws Exception {
    Libp2pHost h = new Libp2pHost(config.withIoThreads(1));
    hosts.add(h);
    h.start().get(5, TimeUnit.SECONDS);
    return h;
  }

  @BeforeAll
  static void startHosts() throws Exception {
    server =
        start(
            HostConfig.defaults(Secp256k1PrivKey.generate(RANDOM))
                .withLimits(new ConnectionLimits(16, 4, MAX_STREAMS, 64 << 10))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1)));
    server.setStreamHandler(EchoProtocol.PROTOCOL, EchoProtocol::serve);
    client = start(HostConfig.defaults(Ed25519PrivKey.generate(RANDOM)));
  }

  @AfterAll
  static void stopAndCheckLeaks() throws Exception {
    for (Libp2pHost h : hosts) {
      h.stop().get(10, TimeUnit.SECONDS);
    }
    assertThat(LeakRecorder.collect()).isEmpty();
  }

  private static Socket raw() throws Exception {
    Multiaddr a = server.listenAddresses().get(0);
    Socket s = new Socket("127.0.0.1", Integer.parseInt(a.valueText(Protocol.TCP).orElseThrow()));
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads until the server closes; fails if it does not within the socket timeout. */
  private static void assertClosedByServer(Socket s) throws Exception {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // the server's multistream header, then EOF
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("server did not close the connection", e);
    } catch (java.net.SocketException reset) {
      // closed with a reset: also closed
    }
  }

  private static void assertServerStillServes() throws Exception {
    Connection c =
        client
            .dial(server.listenAddresses().get(0).withPeerId(server.peerId()))
            .get(10, TimeUnit.SECONDS);
    assertThat(client.ping().ping(c).get(10, TimeUnit.SECONDS)).isPositive();
  }

  @Test
  void garbageInsteadOfMultistreamClosesTheConnection() throws Exception {
    try (Socket s = raw()) {
      byte[] junk = new byte[300];
      RANDOM.nextBytes(junk);
      junk[0] = 0x13; // a plausible first length, then nonsense
      OutputStream out = s.getOutputStream();
      out.write(junk);
      out.flush();
      assertClosedByServer(s);
    }
    assertServerStillServes();
  }

  @Test
  void oversizedMultistreamMessageClosesTheConnection() throws Exception {
    try (Socket s = raw()) {
      s.getOutputStream().write(new byte[] {(byte) 0x81, 0x40}); // declares 8193 bytes
      s.getOutputStream().flush();
      assertClosedByServer(s);
    }
  }

  @Test
  void garbageNoiseHandshakeClosesTheConnection() throws Exception {
    try (Socket s = raw()) {
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {0x13});
      out.write("/multistream/1.0.0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(new byte[] {0x07});
      out.write("/noise\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(new byte[] {0x00, 0x05, 1, 2, 3, 4, 5}); // a Noise message A of 5 bytes
      out.flush();
      assertClosedByServer(s);
    }
  }

  @Test
  void silentConnectionIsClosedAtTheUpgradeDeadline() throws Exception {
    try (Socket s = raw()) {
      assertClosedByServer(s);
    }
  }

  @Test
  void streamsBeyondTheLimitAreRefusedAndSlotsComeBack() throws Exception {
    Connection c =
        client
            .dial(server.listenAddresses().get(0).withPeerId(server.peerId()))
            .get(10, TimeUnit.SECONDS);
    List<Stream> open = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < MAX_STREAMS + 3; i++) {
      try {
        open.add(c.newStream(EchoProtocol.PROTOCOL).get(10, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(P2pException.class);
        refused++;
      }
    }
    assertThat(open).hasSizeLessThanOrEqualTo(MAX_STREAMS);
    assertThat(refused).isGreaterThanOrEqualTo(3);
    assertThat(c.isOpen()).isTrue();
    // closing the open streams frees the server's slots
    List<CompletableFuture<Void>> closed = new ArrayList<>();
    for (Stream s : open) {
      s.setReader((st, data) -> data.release());
      s.closeWrite();
      closed.add(s.closeFuture());
    }
    CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(EchoProtocol.roundTrip(c, 100_000, 1).get(10, TimeUnit.SECONDS)).isEqualTo(100_000);
  }

  @Test
  void connectionLimitRefusesTheNextConnection() throws Exception {
    Libp2pHost small =
        start(
            HostConfig.defaults(Secp256k1PrivKey.generate(RANDOM))
                .withLimits(new ConnectionLimits(1, 1, 8, 1 << 16)));
    Multiaddr address = small.listenAddresses().get(0).withPeerId(small.peerId());
    client.dial(address).get(10, TimeUnit.SECONDS);
    Libp2pHost second = start(HostConfig.defaults(Secp256k1PrivKey.generate(RANDOM)));
    assertThatThrownBy(() -> second.dial(address).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(P2pException.class);
  }

  @Test
  void leakRecorderSeesALeak() {
    // proves the leak assertion of this class can fail
    List<String> before = LeakRecorder.collect();
    assertThat(before).isEmpty();
    leak();
    assertThat(LeakRecorder.collect()).isNotEmpty();
    LeakRecorder.clear();
  }

  private static void leak() {
    PooledByteBufAllocator.DEFAULT.buffer(64).writeLong(1);
  }
}
