package io.hyphae.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.market.CapacityAd;
import io.hyphae.protocol.market.DiscoveryNode;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;

/**
 * {@code hyphae market} against in-process Java peers over loopback: a bootstrap peer and two
 * providers publishing real signed capacity ads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MarketCommandIT {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] MODEL_A = hash(0xa1);
  private static final byte[] MODEL_B = hash(0xb2);
  private static final BigInteger FINNEY = BigInteger.TEN.pow(15);

  private record Peer(Secp256k1PrivKey key, Libp2pHost host, DiscoveryNode discovery) {
    Multiaddr address() {
      return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    String ethAddress() {
      return Keys.toChecksumAddress(HexFormat.of().formatHex(key.publicKey().ethereumAddress()));
    }
  }

  private final List<Peer> peers = new ArrayList<>();
  private Peer boot;
  private Peer cheap;
  private Peer dear;

  private static byte[] hash(int fill) {
    byte[] b = new byte[32];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }

  private static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }

  private Peer peer(List<Multiaddr> bootstrap) throws Exception {
    Secp256k1PrivKey key = Secp256k1PrivKey.generate(RANDOM);
    Libp2pHost host = new Libp2pHost(HostConfig.defaults(key).withIoThreads(1));
    host.start().get(5, TimeUnit.SECONDS);
    Peer p =
        new Peer(
            key,
            host,
            DiscoveryNode.start(host, key, DiscoveryNode.Config.defaults(bootstrap))
                .get(20, TimeUnit.SECONDS));
    peers.add(p);
    return p;
  }

  private static DiscoveryNode.Capacity capacity(int slots, CapacityAd.ModelOffer... offers) {
    return new DiscoveryNode.Capacity(
        new CapacityAd.Hardware("x86-64", 8, 32L << 30, "", 0, 0),
        List.of(offers),
        slots,
        BigInteger.TWO.multiply(BigInteger.TEN.pow(18)));
  }

  private static CapacityAd.ModelOffer offer(byte[] model, BigInteger price, long milliRows) {
    return new CapacityAd.ModelOffer(
        ByteKey.copyOf(model), ByteKey.copyOf(hash(0xcc)), price, milliRows);
  }

  @BeforeAll
  void market() throws Exception {
    boot = peer(List.of());
    cheap = peer(List.of(boot.address()));
    dear = peer(List.of(boot.address()));
    DiscoveryNode.Capacity cheapAd =
        capacity(
            3,
            offer(MODEL_A, FINNEY.multiply(BigInteger.valueOf(5)), 120_500),
            offer(MODEL_B, FINNEY.multiply(BigInteger.TWO), 80_000));
    cheap.discovery().advertise(() -> cheapAd).get(10, TimeUnit.SECONDS);
    DiscoveryNode.Capacity dearAd =
        capacity(1, offer(MODEL_A, FINNEY.multiply(BigInteger.valueOf(9)), 400_000));
    dear.discovery().advertise(() -> dearAd).get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (boot.discovery().ads().get(10, TimeUnit.SECONDS).size() < 2) {
      assertThat(System.nanoTime()).as("both ads at the bootstrap peer").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (Peer p : peers) {
      p.discovery().stop().get(10, TimeUnit.SECONDS);
      p.host().stop().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void listsEveryOfferWithModelNamesAndBootstrapPeersFromTheDevnetFile(@TempDir Path root)
      throws Exception {
    Files.createDirectories(root.resolve(".devnet"));
    new DevnetInfo(
            DevnetInfo.SCHEMA_VERSION,
            "http://127.0.0.1:8545",
            31337,
            Map.of(),
            Map.of("all-minilm-l6-v2-q", hex(MODEL_A)),
            Map.of(),
            null,
            0,
            List.of(
                new DevnetInfo.Provider(
                    "provider-1",
                    boot.ethAddress(),
                    boot.host().peerId().toBase58(),
                    boot.address().toString(),
                    null,
                    0,
                    null,
                    null)))
        .write(root.resolve(DevnetInfo.RELATIVE_PATH));
    WalletRun run = WalletRun.run(root, Map.of(), "", "market", "--wait", "1");
    assertThat(run.exitCode()).as(run.err()).isZero();
    String out = run.out();
    assertThat(out.lines().findFirst().orElseThrow()).startsWith("PROVIDER");
    assertThat(out).contains(cheap.ethAddress(), dear.ethAddress());
    assertThat(out).contains("all-minilm-l6-v2-q", hex(MODEL_B).substring(0, 10) + "…");
    assertThat(out).contains("5000000000000000", "0.005", "120.5", "0.009", "400.0");
    assertThat(out).contains("3 offers from 2 providers advertising.");
    // Cheapest first within a model.
    assertThat(out.indexOf("5000000000000000")).isLessThan(out.indexOf("9000000000000000"));
  }

  @Test
  void filtersByModelHashAndMaxPriceInJson(@TempDir Path root) throws Exception {
    WalletRun run =
        WalletRun.run(
            root,
            Map.of(),
            "",
            "market",
            "--bootstrap",
            boot.address().toString(),
            "--wait",
            "0",
            "--model",
            hex(MODEL_A),
            "--max-price",
            FINNEY.multiply(BigInteger.valueOf(6)).toString(),
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.path("bootstrapReached").asInt()).isEqualTo(1);
    JsonNode providers = json.path("providers");
    assertThat(providers).hasSize(1);
    JsonNode p = providers.get(0);
    assertThat(p.path("address").asText()).isEqualTo(cheap.ethAddress());
    assertThat(p.path("peerId").asText()).isEqualTo(cheap.host().peerId().toBase58());
    assertThat(p.path("freeSlots").asInt()).isEqualTo(3);
    assertThat(p.path("stakeEth").asText()).isEqualTo("2");
    assertThat(p.path("models")).hasSize(1);
    assertThat(p.path("models").get(0).path("modelHash").asText()).isEqualTo(hex(MODEL_A));
    assertThat(p.path("models").get(0).path("pricePerShardWei").asText())
        .isEqualTo("5000000000000000");
    assertThat(p.path("models").get(0).path("throughputRowsPerSecond").asDouble()).isEqualTo(120.5);
  }

  @Test
  void anEmptyMarketIsNotAnError(@TempDir Path root) throws Exception {
    Peer lonely = peer(List.of());
    WalletRun run =
        WalletRun.run(
            root,
            Map.of(),
            "",
            "market",
            "--bootstrap",
            lonely.address().toString(),
            "--wait",
            "0");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("No capacity ads");
  }

  @Test
  void noReachableBootstrapPeerExitsWithOne(@TempDir Path root) {
    PeerId absent = PeerId.fromPublicKey(Secp256k1PrivKey.generate(RANDOM).publicKey());
    WalletRun run =
        WalletRun.run(
            root,
            Map.of(),
            "",
            "market",
            "--bootstrap",
            "/ip4/127.0.0.1/tcp/1/p2p/" + absent.toBase58(),
            "--wait",
            "0");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach any bootstrap peer");
  }

  @Test
  void badArgumentsExitWithTwo(@TempDir Path root) {
    assertThat(WalletRun.run(root, Map.of(), "", "market").exitCode())
        .as("no devnet, no --bootstrap")
        .isEqualTo(2);
    String addr = boot.address().toString();
    assertThat(
            WalletRun.run(root, Map.of(), "", "market", "--bootstrap", addr, "--model", "nope")
                .err())
        .contains("unknown model nope");
    assertThat(
            WalletRun.run(root, Map.of(), "", "market", "--bootstrap", "/ip4/1.2.3.4/tcp/1")
                .exitCode())
        .isEqualTo(2);
    assertThat(
            WalletRun.run(root, Map.of(), "", "market", "--bootstrap", addr, "--wait", "61")
                .exitCode())
        .isEqualTo(2);
  }
}
