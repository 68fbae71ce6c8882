package io.hyphae.protocol.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.protocol.crypto.Ed25519PrivKey;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.identify.IdentifyInfo;
import io.hyphae.protocol.p2p.identify.IdentifyService;
import io.hyphae.protocol.p2p.ping.PingService;
import io.hyphae.protocol.peer.PeerId;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Libp2pHostTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final List<Libp2pHost> hosts = new ArrayList<>();
  private Libp2pHost a;
  private Libp2pHost b;

  private Libp2pHost host(PrivKey key) throws Exception {
    Libp2pHost h = new Libp2pHost(HostConfig.defaults(key).withIoThreads(1));
    hosts.add(h);
    h.start().get(5, TimeUnit.SECONDS);
    return h;
  }

  @BeforeEach
  void start() throws Exception {
    a = host(Secp256k1PrivKey.generate(RANDOM));
    b = host(Ed25519PrivKey.generate(RANDOM));
    b.setStreamHandler(EchoProtocol.PROTOCOL, EchoProtocol::serve);
  }

  @AfterEach
  void stop() throws Exception {
    for (Libp2pHost h : hosts) {
      h.stop().get(5, TimeUnit.SECONDS);
    }
    assertThat(io.hyphae.protocol.LeakRecorder.collect()).isEmpty();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private Multiaddr addressOf(Libp2pHost h) {
    return h.listenAddresses().get(0).withPeerId(h.peerId());
  }

  @Test
  void dialsPingsAndIdentifiesOverNoiseAndYamux() throws Exception {
    Connection c = await(a.dial(addressOf(b)));
    assertThat(c.remotePeer()).isEqualTo(b.peerId());
    Duration rtt = await(a.ping().ping(c));
    assertThat(rtt).isPositive();
    IdentifyInfo info = await(a.identify().identify(c));
    assertThat(info.peerId()).isEqualTo(b.peerId());
    assertThat(info.protocols())
        .contains(IdentifyService.PROTOCOL, PingService.PROTOCOL, EchoProtocol.PROTOCOL);
    assertThat(info.listenAddresses()).containsExactlyElementsOf(b.listenAddresses());
    assertThat(info.observedAddress()).contains(c.localAddress());
    // the same address again reuses the connection
    assertThat(await(a.dial(addressOf(b)))).isSameAs(c);
  }

  @Test
  void echoesOnConcurrentStreamsWithBackpressure() throws Exception {
    Connection c = await(a.dial(addressOf(b)));
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(EchoProtocol.roundTrip(c, 2 << 20, i));
    }
    await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
  }

  @Test
  void unsupportedProtocolFailsTyped() throws Exception {
    Connection c = await(a.dial(addressOf(b)));
    assertThatThrownBy(() -> await(c.newStream(List.of("/nope/1", "/nope/2"))))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            P2pException.class,
            e -> assertThat(e.reason()).isEqualTo(P2pException.Reason.PROTOCOL_NOT_SUPPORTED));
    // the connection stays usable
    assertThat(await(a.ping().ping(c))).isPositive();
  }

  @Test
  void dialingTheWrongPeerIdFails() throws Exception {
    PeerId someoneElse = PeerId.fromPublicKey(Ed25519PrivKey.generate(RANDOM).publicKey());
    Multiaddr wrong = b.listenAddresses().get(0).withPeerId(someoneElse);
    assertThatThrownBy(() -> await(a.dial(wrong)))
        .cause()
        .isInstanceOfSatisfying(
            P2pException.class,
            e ->
                assertThat(e.reason())
                    .as(e.toString())
                    .isEqualTo(P2pException.Reason.PEER_ID_MISMATCH));
  }

  @Test
  void connectionRefusedFailsTyped() throws Exception {
    Multiaddr closed = Multiaddr.parse("/ip4/127.0.0.1/tcp/1");
    assertThatThrownBy(() -> await(a.dial(closed)))
        .cause()
        .isInstanceOfSatisfying(
            P2pException.class,
            e -> assertThat(e.reason()).isEqualTo(P2pException.Reason.CONNECT_FAILED));
  }
}
