package io.hyphae.devnet.bench;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.market.AdLimits;
import io.hyphae.protocol.market.CapacityAd;
import io.hyphae.protocol.market.CapacityMarket;
import io.hyphae.protocol.multiformats.Multihash;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.overlay.SimulatedScheduler;
import io.hyphae.protocol.p2p.pubsub.GossipsubConfig;
import io.hyphae.protocol.p2p.pubsub.InMemoryPubsubNetwork;
import io.hyphae.protocol.p2p.pubsub.PeerScoreParams;
import io.hyphae.protocol.p2p.pubsub.PeerScoreThresholds;
import io.hyphae.protocol.p2p.pubsub.PubsubProtocols;
import io.hyphae.protocol.p2p.pubsub.TopicScoreParams;
import io.hyphae.protocol.peer.PeerId;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hyphae bench gossip}: capacity-ad propagation over gossipsub on the in-memory network
 * (real codec, signatures and validation; simulated link latency). Runs a clean network and one
 * where a share of the nodes spam invalid ads, and reports reach, propagation latency and traffic.
 */
@Command(
    name = "gossip",
    mixinStandardHelpOptions = true,
    description =
        "Capacity-ad propagation over gossipsub on the in-memory network: reach, p50/p99"
            + " latency (simulated links), messages and bytes per node per ad; clean and with"
            + " spammers.")
public final class GossipBench implements Callable<Integer> {

  @Option(names = "--nodes", defaultValue = "50", description = "Nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--degree",
      defaultValue = "10",
      description = "Connections each node dials (default ${DEFAULT-VALUE}).")
  int degree;

  @Option(
      names = "--ads",
      defaultValue = "20",
      description = "Valid ads published (default ${DEFAULT-VALUE}).")
  int ads;

  @Option(
      names = "--spammers",
      defaultValue = "10",
      description =
          "Percent of nodes spamming invalid ads in the second run (default ${DEFAULT-VALUE}).")
  int spammersPercent;

  @Option(
      names = "--latency-ms",
      defaultValue = "20",
      description = "Base one-way link latency (default ${DEFAULT-VALUE}).")
  long latencyMs;

  @Option(
      names = "--jitter-ms",
      defaultValue = "30",
      description = "Extra uniform random link latency (default ${DEFAULT-VALUE}).")
  long jitterMs;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  PrintStream out = System.out;

  /** Figures of one run. */
  record Result(
      String scenario,
      int nodes,
      int spammers,
      int ads,
      double reachPercent,
      double p50Ms,
      double p99Ms,
      double messagesPerNodePerAd,
      double bytesPerNodePerAd,
      double spammersGraylistedPercent,
      long spamRejected,
      long graylistedRpcs,
      double wallSeconds) {}

  @Override
  public Integer call() {
    if (nodes < 2 || ads < 1 || ads > nodes || spammersPercent < 0 || spammersPercent > 50) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "need --nodes >= 2, 1 <= --ads <= --nodes and 0 <= --spammers <= 50");
    }
    List<Result> results = new ArrayList<>();
    results.add(run("clean", 0));
    if (spammersPercent > 0) {
      results.add(run("spam", Math.max(1, nodes * spammersPercent / 100)));
    }
    if (json) {
      StringBuilder sb = new StringBuilder("{\"bench\":\"gossip\",\"runs\":[");
      for (int i = 0; i < results.size(); i++) {
        Result r = results.get(i);
        sb.append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"scenario\":\"%s\",\"nodes\":%d,\"spammers\":%d,\"ads\":%d,"
                        + "\"reachPercent\":%.2f,\"p50Ms\":%.1f,\"p99Ms\":%.1f,"
                        + "\"messagesPerNodePerAd\":%.2f,\"bytesPerNodePerAd\":%.0f,"
                        + "\"spammersGraylistedPercent\":%s,\"spamRejected\":%d,\"graylistedRpcs\":%d,\"wallSeconds\":%.2f}",
                    r.scenario(),
                    r.nodes(),
                    r.spammers(),
                    r.ads(),
                    r.reachPercent(),
                    r.p50Ms(),
                    r.p99Ms(),
                    r.messagesPerNodePerAd(),
                    r.bytesPerNodePerAd(),
                    jsonNumber(r.spammersGraylistedPercent()),
                    r.spamRejected(),
                    r.graylistedRpcs(),
                    r.wallSeconds()));
      }
      out.println(sb.append("]}"));
    } else {
      out.printf(
          Locale.ROOT,
          "gossip bench: %d nodes, degree %d, %d ads, links %d-%d ms (simulated)%n",
          nodes,
          degree,
          ads,
          latencyMs,
          latencyMs + jitterMs);
      out.printf(
          Locale.ROOT,
          "%-8s %8s %8s %9s %9s %12s %12s %10s %9s %9s %8s%n",
          "run",
          "spammers",
          "reach%",
          "p50 ms",
          "p99 ms",
          "msgs/node/ad",
          "bytes/node/ad",
          "graylist%",
          "rejected",
          "grayRPCs",
          "wall s");
      for (Result r : results) {
        out.printf(
            Locale.ROOT,
            "%-8s %8d %8.2f %9.1f %9.1f %12.2f %12.0f %10.1f %9d %9d %8.2f%n",
            r.scenario(),
            r.spammers(),
            r.reachPercent(),
            r.p50Ms(),
            r.p99Ms(),
            r.messagesPerNodePerAd(),
            r.bytesPerNodePerAd(),
            r.spammersGraylistedPercent(),
            r.spamRejected(),
            r.graylistedRpcs(),
            r.wallSeconds());
      }
    }
    return 0;
  }

  Result run(String scenario, int spammers) {
    long wallStart = System.nanoTime();
    Random random = new Random(seed);
    SimulatedScheduler scheduler = new SimulatedScheduler();
    InMemoryPubsubNetwork network =
        new InMemoryPubsubNetwork(scheduler, random, latencyMs, jitterMs, 10_000);
    PeerScoreParams params =
        PeerScoreParams.defaults(Map.of(CapacityMarket.TOPIC, TopicScoreParams.lowRateTopic()));
    List<Secp256k1PrivKey> keys = new ArrayList<>();
    Map<PeerId, CapacityMarket> markets = new HashMap<>();
    Map<PeerId, Long> publishedAt = new HashMap<>();
    List<Long> latencies = new ArrayList<>();
    int[] deliveries = {0};
    for (int i = 0; i < nodes; i++) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      secret[0] = 1;
      Secp256k1PrivKey key = Secp256k1PrivKey.fromBytes(secret);
      keys.add(key);
      InMemoryPubsubNetwork.Node node =
          network.addNode(
              key,
              GossipsubConfig.defaults(),
              params,
              PeerScoreThresholds.defaults(),
              "10." + (i / 250) + "." + (i % 250) + ".1",
              PubsubProtocols.ALL);
      CapacityMarket market =
          new CapacityMarket(node.router(), AdLimits.defaults(), scheduler::nowMillis);
      PeerId self = PeerId.fromPublicKey(key.publicKey());
      boolean honest = i >= spammers;
      market.addListener(
          ad -> {
            Long at = publishedAt.get(ad.peerId());
            if (honest && at != null && !ad.peerId().equals(self)) {
              latencies.add(scheduler.nowMillis() - at);
              deliveries[0]++;
            }
          });
      markets.put(self, market);
    }
    network.connectRandomly(degree);
    scheduler.advance(5_000);

    List<Secp256k1PrivKey> spamKeys = keys.subList(0, spammers);
    List<Secp256k1PrivKey> honestKeys = new ArrayList<>(keys.subList(spammers, nodes));
    java.util.Collections.shuffle(honestKeys, random);
    long framesBefore =
        network.nodes().stream().mapToLong(InMemoryPubsubNetwork.Node::framesSent).sum();
    long bytesBefore =
        network.nodes().stream().mapToLong(InMemoryPubsubNetwork.Node::bytesSent).sum();
    int published = Math.min(ads, honestKeys.size());
    long spamSeq = 0;
    for (int a = 0; a < published; a++) {
      // Spammers each publish two invalid ads (a forged Ethereum address) between valid ones.
      for (Secp256k1PrivKey s : spamKeys) {
        for (int j = 0; j < 2; j++) {
          markets
              .get(PeerId.fromPublicKey(s.publicKey()))
              .publish(s, forgedAd(s, scheduler.nowMillis(), ++spamSeq));
        }
      }
      Secp256k1PrivKey provider = honestKeys.get(a);
      publishedAt.put(PeerId.fromPublicKey(provider.publicKey()), scheduler.nowMillis());
      markets
          .get(PeerId.fromPublicKey(provider.publicKey()))
          .publish(provider, ad(provider, scheduler.nowMillis(), a));
      scheduler.advance(500);
    }
    // Spam containment, right after the last spam: the share of (honest neighbour, spammer)
    // links where the neighbour's score of the spammer is below the graylist threshold. (Scores
    // decay afterwards, so a quiet spammer is forgiven after a while.)
    int links = 0;
    int graylisted = 0;
    for (Secp256k1PrivKey spammer : spamKeys) {
      for (PeerId n : network.node(PeerId.fromPublicKey(spammer.publicKey())).connections()) {
        if (spamKeys.stream().anyMatch(k -> PeerId.fromPublicKey(k.publicKey()).equals(n))) {
          continue;
        }
        links++;
        if (network.node(n).router().score(PeerId.fromPublicKey(spammer.publicKey()))
            < PeerScoreThresholds.defaults().graylist()) {
          graylisted++;
        }
      }
    }
    scheduler.advance(10_000);
    long spamRejected = 0;
    long graylistedRpcs = 0;
    for (Secp256k1PrivKey k : honestKeys) {
      spamRejected += network.node(PeerId.fromPublicKey(k.publicKey())).router().stats().rejected;
      graylistedRpcs +=
          network.node(PeerId.fromPublicKey(k.publicKey())).router().stats().graylistedRpcs;
    }
    long frames =
        network.nodes().stream().mapToLong(InMemoryPubsubNetwork.Node::framesSent).sum()
            - framesBefore;
    long bytes =
        network.nodes().stream().mapToLong(InMemoryPubsubNetwork.Node::bytesSent).sum()
            - bytesBefore;
    latencies.sort(null);
    int honestReceivers = honestKeys.size() - 1;
    double reach = 100.0 * deliveries[0] / ((double) published * honestReceivers);
    return new Result(
        scenario,
        nodes,
        spammers,
        published,
        reach,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        (double) frames / nodes / published,
        (double) bytes / nodes / published,
        links == 0 ? Double.NaN : 100.0 * graylisted / links,
        spamRejected,
        graylistedRpcs,
        (System.nanoTime() - wallStart) / 1e9);
  }

  private static String jsonNumber(double v) {
    return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static final ByteKey MODEL = ByteKey.copyOf(Multihash.sha256(new byte[] {42}).digest());

  private static CapacityAd ad(Secp256k1PrivKey key, long now, long seq) {
    return new CapacityAd(
        PeerId.fromPublicKey(key.publicKey()),
        key.publicKey().ethereumAddress(),
        new CapacityAd.Hardware("x86-64", 16, 64L << 30, "H100", 1, 80L << 30),
        List.of(new CapacityAd.ModelOffer(MODEL, MODEL, BigInteger.valueOf(1_000 + seq), 400_000)),
        4,
        BigInteger.TEN.pow(18),
        now,
        now + 600_000,
        seq + 1);
  }

  private static CapacityAd forgedAd(Secp256k1PrivKey key, long now, long seq) {
    return new CapacityAd(
        PeerId.fromPublicKey(key.publicKey()),
        new byte[20],
        new CapacityAd.Hardware("x86-64", 16, 64L << 30, "H100", 1, 80L << 30),
        List.of(),
        4,
        BigInteger.ONE,
        now,
        now + 600_000,
        seq);
  }
}
