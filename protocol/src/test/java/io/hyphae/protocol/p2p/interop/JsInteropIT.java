package io.hyphae.protocol.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.protocol.crypto.KeyType;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.identify.IdentifyInfo;
import io.hyphae.protocol.p2p.identify.IdentifyService;
import io.hyphae.protocol.p2p.ping.PingService;
import io.hyphae.protocol.p2p.transport.EchoProtocol;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Java and js-libp2p 3 talk both ways over TCP + Noise + yamux: ping, identify, and 10 MiB echoed
 * each way on four concurrent streams, both key types on both sides.
 */
class JsInteropIT {
  private static final int STREAMS = 4;
  // 10 MiB each way in all, spread over the concurrent streams
  private static final int BYTES_PER_STREAM = (10 << 20) / STREAMS;

  private Libp2pHost host;

  private void startHost(KeyType type) throws Exception {
    host = new Libp2pHost(HostConfig.defaults(PrivKey.generate(type, new SecureRandom())));
    host.setStreamHandler(EchoProtocol.PROTOCOL, EchoProtocol::serve);
    host.start().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop().get(10, TimeUnit.SECONDS);
    }
    assertThat(io.hyphae.protocol.LeakRecorder.collect()).isEmpty();
  }

  private static String jsKey(KeyType type) {
    // the js side uses the other key type, so each run covers both
    return type == KeyType.SECP256K1 ? "ed25519" : "secp256k1";
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void javaDialsJs(KeyType type) throws Exception {
    startHost(type);
    try (JsPeer js = JsPeer.start("listen", "--key", jsKey(type))) {
      Multiaddr address = Multiaddr.parse(js.readLine(30));
      Connection c = host.dial(address).get(15, TimeUnit.SECONDS);
      assertThat(c.remotePeer()).isEqualTo(address.peerId().orElseThrow());

      Duration rtt = host.ping().ping(c).get(10, TimeUnit.SECONDS);
      assertThat(rtt).isPositive();

      IdentifyInfo info = host.identify().identify(c).get(10, TimeUnit.SECONDS);
      assertThat(info.peerId()).isEqualTo(c.remotePeer());
      assertThat(info.agentVersion()).contains("js-libp2p");
      assertThat(info.protocols())
          .contains(IdentifyService.PROTOCOL, PingService.PROTOCOL, EchoProtocol.PROTOCOL);
      assertThat(info.listenAddresses()).contains(address.withoutPeerId());

      List<CompletableFuture<Long>> echoes = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        echoes.add(EchoProtocol.roundTrip(c, BYTES_PER_STREAM, i));
      }
      CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      for (CompletableFuture<Long> e : echoes) {
        assertThat(e.get()).isEqualTo(BYTES_PER_STREAM);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void jsDialsJava(KeyType type) throws Exception {
    startHost(type);
    Multiaddr address = host.listenAddresses().get(0).withPeerId(host.peerId());
    CompletableFuture<IdentifyInfo> identified = new CompletableFuture<>();
    host.identify().addListener(identified::complete);
    try (JsPeer js =
        JsPeer.start(
            "dial",
            address.toString(),
            "--key",
            jsKey(type),
            "--streams",
            Integer.toString(STREAMS),
            "--bytes",
            Integer.toString(BYTES_PER_STREAM))) {
      JsonNode result = new ObjectMapper().readTree(js.readLine(150));
      assertThat(result.path("ok").asBoolean()).as(result + "\n" + js.stderr()).isTrue();
      assertThat(js.waitFor(15)).isZero();
      assertThat(result.path("remotePeer").asText()).isEqualTo(host.peerId().toString());
      assertThat(result.path("echoedBytes").asLong()).isEqualTo((long) STREAMS * BYTES_PER_STREAM);
      JsonNode id = result.path("identify");
      assertThat(id.path("agentVersion").asText()).isEqualTo(host.config().agentVersion());
      List<String> protocols = new ArrayList<>();
      id.path("protocols").forEach(p -> protocols.add(p.asText()));
      assertThat(protocols)
          .contains(IdentifyService.PROTOCOL, PingService.PROTOCOL, EchoProtocol.PROTOCOL);
      List<String> addrs = new ArrayList<>();
      id.path("listenAddrs").forEach(p -> addrs.add(p.asText()));
      assertThat(addrs).anyMatch(a -> a.startsWith(host.listenAddresses().get(0).toString()));
      // Java identified the js peer on its own when the connection opened
      PeerId jsPeer = PeerId.parse(result.path("localPeer").asText());
      IdentifyInfo info = identified.get(10, TimeUnit.SECONDS);
      assertThat(info.peerId()).isEqualTo(jsPeer);
      assertThat(info.protocols()).contains(IdentifyService.PROTOCOL, PingService.PROTOCOL);
    }
  }
}
