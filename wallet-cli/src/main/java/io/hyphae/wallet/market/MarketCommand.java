package io.hyphae.wallet.market;

import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.protocol.crypto.KeyType;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.market.CapacityAd;
import io.hyphae.protocol.market.DiscoveryNode;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.overlay.ByteKey;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.wallet.WalletContext;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Keys;
import org.web3j.utils.Convert;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hyphae market}: joins the network for a few seconds with a throwaway identity, collects
 * the providers' capacity ads (the bootstrap peers' snapshots, then gossip) and lists the offers.
 */
@Command(
    name = "market",
    mixinStandardHelpOptions = true,
    description =
        "Lists the providers' capacity ads: who serves which model, at what price per shard, how"
            + " fast, with how many free slots and how much stake.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (also when the market is empty)",
      "1:no bootstrap peer reachable, or another failure",
      "2:bad arguments"
    })
public final class MarketCommand implements Callable<Integer> {
  static final int MAX_WAIT_SECONDS = 60;

  @Option(
      names = "--bootstrap",
      split = ",",
      paramLabel = "MULTIADDR",
      description =
          "Peers to join through, each ending in /p2p/<peer id> (default: the devnet's providers).")
  List<String> bootstrap;

  @Option(
      names = "--wait",
      defaultValue = "3",
      paramLabel = "SECONDS",
      description = "How long to collect ads, 0 to " + MAX_WAIT_SECONDS + " (default: 3).")
  int waitSeconds;

  @Option(
      names = "--model",
      paramLabel = "NAME|0xHASH",
      description = "Only offers of this model: a devnet model name or its 32-byte hash.")
  String model;

  @Option(
      names = "--max-price",
      paramLabel = "WEI",
      description = "Only offers at or below this price per shard, in wei.")
  BigInteger maxPrice;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One provider's offer of one model, as printed. */
  record Row(CapacityAd ad, CapacityAd.ModelOffer offer, String modelHash, String modelName) {}

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
      throw new CommandLine.ParameterException(cli, "--wait must be 0.." + MAX_WAIT_SECONDS);
    }
    if (maxPrice != null && maxPrice.signum() < 0) {
      throw new CommandLine.ParameterException(cli, "--max-price must not be negative");
    }
    WalletContext context = WalletContext.of(spec);
    Optional<DevnetInfo> devnet = context.devnet();
    Map<String, String> namesByHash = new LinkedHashMap<>();
    devnet.ifPresent(d -> d.models().forEach((name, hash) -> namesByHash.put(lower(hash), name)));
    String wantedHash = model == null ? null : modelHash(cli, model, devnet);
    List<Multiaddr> peers = bootstrapPeers(cli, devnet);

    PrivKey key = PrivKey.generate(KeyType.SECP256K1, new SecureRandom());
    Libp2pHost host =
        new Libp2pHost(
            HostConfig.defaults(key)
                .withListenAddresses(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")))
                .withIoThreads(1));
    DiscoveryNode discovery = null;
    try {
      await(host.start(), 10);
      discovery = await(DiscoveryNode.start(host, key, DiscoveryNode.Config.defaults(peers)), 30);
      if (discovery.reachedBootstrapPeers().isEmpty()) {
        context.err().println("error: cannot reach any bootstrap peer (tried " + peers + ")");
        context.err().flush();
        return 1;
      }
      // Gossip brings ads published while we listen; the snapshots brought the others.
      await(
          new CompletableFuture<Void>().completeOnTimeout(null, waitSeconds, TimeUnit.SECONDS),
          waitSeconds + 5);
      List<CapacityAd> ads = await(discovery.ads(), 10);
      List<Row> rows = rows(ads, wantedHash, namesByHash);
      long now = System.currentTimeMillis();
      if (context.json()) {
        context.printJson(json(peers, discovery.reachedBootstrapPeers().size(), rows, now));
      } else {
        print(context.out(), rows, ads.size(), now);
      }
      return 0;
    } finally {
      if (discovery != null) {
        discovery.stop().get(10, TimeUnit.SECONDS);
      }
      host.stop().get(10, TimeUnit.SECONDS);
    }
  }

  private List<Multiaddr> bootstrapPeers(CommandLine cli, Optional<DevnetInfo> devnet) {
    List<String> texts = new ArrayList<>();
    if (bootstrap != null && !bootstrap.isEmpty()) {
      texts.addAll(bootstrap);
    } else {
      devnet.ifPresent(d -> d.providers().forEach(p -> texts.add(p.multiaddr())));
    }
    if (texts.isEmpty()) {
      throw new CommandLine.ParameterException(
          cli, "no bootstrap peers: pass --bootstrap MULTIADDR or start a devnet");
    }
    List<Multiaddr> out = new ArrayList<>();
    for (String t : texts) {
      Multiaddr a;
      try {
        a = Multiaddr.parse(t.trim());
      } catch (RuntimeException e) {
        throw new CommandLine.ParameterException(cli, "bad bootstrap address " + t + ": " + e);
      }
      if (a.peerId().isEmpty()) {
        throw new CommandLine.ParameterException(
            cli, "bootstrap address " + t + " needs /p2p/<peer id> at the end");
      }
      out.add(a);
    }
    return out;
  }

  /** {@code 0x} + 64 lowercase hex digits, from a hash or a devnet model name. */
  private static String modelHash(CommandLine cli, String text, Optional<DevnetInfo> devnet) {
    if (text.startsWith("0x")) {
      if (!text.matches("0x[0-9a-fA-F]{64}")) {
        throw new CommandLine.ParameterException(
            cli, "--model " + text + " is not a 32-byte hash (0x and 64 hex digits)");
      }
      return lower(text);
    }
    Map<String, String> models = devnet.map(DevnetInfo::models).orElse(Map.of());
    String hash = models.get(text);
    if (hash == null) {
      throw new CommandLine.ParameterException(
          cli,
          "unknown model "
              + text
              + (models.isEmpty()
                  ? " (no devnet models known: give its hash, 0x and 64 hex digits)"
                  : " (known: " + String.join(", ", models.keySet()) + ")"));
    }
    return lower(hash);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** A model hash as {@code 0x} + hex; a sha2-256 multihash is shown as its digest. */
  static String hashText(ByteKey hash) {
    byte[] b = hash.toBytes();
    if (b.length == 34 && b[0] == 0x12 && b[1] == 0x20) {
      b = java.util.Arrays.copyOfRange(b, 2, 34);
    }
    return "0x" + HexFormat.of().formatHex(b);
  }

  private List<Row> rows(List<CapacityAd> ads, String wantedHash, Map<String, String> names) {
    List<Row> rows = new ArrayList<>();
    for (CapacityAd ad : ads) {
      for (CapacityAd.ModelOffer offer : ad.models()) {
        String hash = hashText(offer.modelHash());
        if (wantedHash != null && !wantedHash.equals(hash)) {
          continue;
        }
        if (maxPrice != null && offer.pricePerShardWei().compareTo(maxPrice) > 0) {
          continue;
        }
        rows.add(new Row(ad, offer, hash, names.get(hash)));
      }
    }
    rows.sort(
        Comparator.comparing(Row::modelHash)
            .thenComparing(r -> r.offer().pricePerShardWei())
            .thenComparing(
                r -> r.offer().throughputMilliRowsPerSecond(), Comparator.reverseOrder()));
    return rows;
  }

  private static String eth(BigInteger wei) {
    BigDecimal v = Convert.fromWei(new BigDecimal(wei), Convert.Unit.ETHER);
    return v.stripTrailingZeros().toPlainString();
  }

  private static String address(CapacityAd ad) {
    return Keys.toChecksumAddress(HexFormat.of().formatHex(ad.ethAddress()));
  }

  private static String shortPeer(PeerId id) {
    String s = id.toBase58();
    return s.length() <= 16 ? s : s.substring(0, 10) + "…" + s.substring(s.length() - 4);
  }

  private static String age(long ms) {
    long s = Math.max(0, ms / 1000);
    return s < 120 ? s + "s" : s / 60 + "m";
  }

  private static void print(PrintWriter out, List<Row> rows, int providers, long now) {
    if (rows.isEmpty()) {
      out.println(
          providers == 0
              ? "No capacity ads: no provider is advertising on this network right now."
              : "No offer matches the filters (" + providers + " providers advertising).");
      out.flush();
      return;
    }
    String[] header = {
      "PROVIDER",
      "PEER",
      "MODEL",
      "PRICE/SHARD (WEI)",
      "(ETH)",
      "ROWS/S",
      "FREE",
      "STAKE (ETH)",
      "AGE"
    };
    List<String[]> lines = new ArrayList<>();
    lines.add(header);
    for (Row r : rows) {
      lines.add(
          new String[] {
            address(r.ad()),
            shortPeer(r.ad().peerId()),
            r.modelName() != null ? r.modelName() : r.modelHash().substring(0, 10) + "…",
            r.offer().pricePerShardWei().toString(),
            eth(r.offer().pricePerShardWei()),
            String.format(Locale.ROOT, "%.1f", r.offer().throughputMilliRowsPerSecond() / 1000.0),
            Integer.toString(r.ad().freeSlots()),
            eth(r.ad().stakeWei()),
            age(now - r.ad().issuedAtMs())
          });
    }
    int[] widths = new int[header.length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        widths[i] = Math.max(widths[i], l[i].length());
      }
    }
    for (String[] l : lines) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < l.length; i++) {
        sb.append(String.format("%-" + widths[i] + "s", l[i]));
        if (i < l.length - 1) {
          sb.append("  ");
        }
      }
      out.println(sb.toString().stripTrailing());
    }
    out.printf(
        "%d offers from %d providers advertising.%n",
        rows.size(), rows.stream().map(r -> r.ad().peerId()).distinct().count());
    out.flush();
  }

  private static Map<String, Object> json(
      List<Multiaddr> bootstrap, int reached, List<Row> rows, long now) {
    Map<String, Map<String, Object>> providers = new LinkedHashMap<>();
    for (Row r : rows) {
      CapacityAd ad = r.ad();
      Map<String, Object> p =
          providers.computeIfAbsent(
              ad.peerId().toBase58(),
              id -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("address", address(ad));
                m.put("peerId", id);
                m.put("freeSlots", ad.freeSlots());
                m.put("stakeWei", ad.stakeWei().toString());
                m.put("stakeEth", eth(ad.stakeWei()));
                m.put("issuedAtMs", ad.issuedAtMs());
                m.put("expiresAtMs", ad.expiresAtMs());
                m.put("ageMs", Math.max(0, now - ad.issuedAtMs()));
                m.put("sequence", ad.sequence());
                Map<String, Object> hw = new LinkedHashMap<>();
                hw.put("cpu", ad.hardware().cpu());
                hw.put("cpuCores", ad.hardware().cpuCores());
                hw.put("memoryBytes", ad.hardware().memoryBytes());
                hw.put("gpu", ad.hardware().gpu());
                hw.put("gpuCount", ad.hardware().gpuCount());
                hw.put("gpuMemoryBytes", ad.hardware().gpuMemoryBytes());
                m.put("hardware", hw);
                m.put("models", new ArrayList<Map<String, Object>>());
                return m;
              });
      Map<String, Object> offer = new LinkedHashMap<>();
      offer.put("modelHash", r.modelHash());
      offer.put("model", r.modelName());
      offer.put("profileHash", hashText(r.offer().profileHash()));
      offer.put("pricePerShardWei", r.offer().pricePerShardWei().toString());
      offer.put("pricePerShardEth", eth(r.offer().pricePerShardWei()));
      offer.put("throughputRowsPerSecond", r.offer().throughputMilliRowsPerSecond() / 1000.0);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> models = (List<Map<String, Object>>) p.get("models");
      models.add(offer);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bootstrap", bootstrap.stream().map(Multiaddr::toString).toList());
    out.put("bootstrapReached", reached);
    out.put("providers", new ArrayList<>(providers.values()));
    return out;
  }

  private static <T> T await(CompletableFuture<T> f, int seconds) throws Exception {
    try {
      return f.get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof java.util.concurrent.CompletionException c
              ? c.getCause()
              : e.getCause();
      throw new Exception(cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new Exception("no answer within " + seconds + " s", e);
    }
  }
}
