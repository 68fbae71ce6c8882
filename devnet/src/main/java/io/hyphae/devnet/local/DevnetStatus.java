package io.hyphae.devnet.local;

import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.generated.ProviderRegistry;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code devnet status}: what devnet.json says and what is true now — the chain's process and block
 * number, and for each provider its process, {@code /healthz}, and its stake and withdrawable
 * balance read from the chain.
 */
public final class DevnetStatus {

  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(5);

  private DevnetStatus() {}

  /**
   * The whole picture.
   *
   * @param dir the devnet directory
   * @param running devnet.json is there
   * @param healthy the chain answers and every provider not stopped on purpose ({@code devnet
   *     provider stop}) is alive and healthy
   * @param chain the chain, when running
   * @param providers the providers devnet.json lists
   */
  public record Report(
      String dir, boolean running, boolean healthy, Chain chain, List<Provider> providers) {}

  /**
   * @param blockNumber the latest block, when reachable
   * @param rules the deployed market's rules, when they could be read
   * @param error why the chain could not be read, when it could not
   */
  public record Chain(
      String rpcUrl,
      long chainId,
      long pid,
      boolean processAlive,
      boolean reachable,
      Long blockNumber,
      String registry,
      String market,
      MarketRules rules,
      String error) {}

  /** A provider's process: running, stopped by {@code devnet provider stop}, or gone. */
  public static final String RUNNING = "running";

  public static final String STOPPED = "stopped";
  public static final String EXITED = "exited";

  /**
   * @param state {@link #RUNNING}, {@link #STOPPED} (pid 0: stopped with {@code devnet provider
   *     stop}) or {@link #EXITED} (its recorded process is gone: it crashed or was killed)
   * @param health {@code ok}, or what {@code /healthz} answered
   * @param stakeWei bonded stake (locked part included), when the chain could be read
   * @param freeStakeWei stake not locked as collateral
   * @param withdrawableWei what the market would pay the provider on withdraw
   */
  public record Provider(
      String name,
      String address,
      String peerId,
      String multiaddr,
      String adminUrl,
      long pid,
      String state,
      boolean processAlive,
      String health,
      boolean registered,
      String stakeWei,
      String freeStakeWei,
      String withdrawableWei,
      String logFile) {}

  /** Reads devnet.json and checks every part of it. */
  public static Report read(DevnetLayout layout) {
    Optional<DevnetInfo> found = DevnetInfo.readIfPresent(layout.devnetJson());
    if (found.isEmpty()) {
      return new Report(layout.dir().toString(), false, false, null, List.of());
    }
    DevnetInfo info = found.get();
    boolean anvilAlive = DetachedProcess.alive(info.anvilPid(), layout.anvilMarker());
    String registry = info.contract("ProviderRegistry").orElse(null);
    String market = info.contract("JobMarket").orElse(null);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<Provider> providers = new ArrayList<>();
    Chain chain;
    try (ChainConnection connection = ChainConnection.open(info.rpcUrl(), RPC_TIMEOUT)) {
      long block = connection.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
      Optional<MarketClient> client = Optional.empty();
      if (registry != null && market != null) {
        // A read-only view: the sender is never asked to send.
        TransactionSender viewer =
            new TransactionSender(connection, new DevnetAccounts().account(0), RPC_TIMEOUT);
        client =
            Optional.of(
                new MarketClient(
                    viewer,
                    new Deployment(connection.chainId(), registry, market, viewer.address(), 0)));
      }
      chain =
          new Chain(
              info.rpcUrl(),
              connection.chainId(),
              info.anvilPid(),
              anvilAlive,
              true,
              block,
              registry,
              market,
              client.isPresent() ? rules(client.get()) : null,
              null);
      for (DevnetInfo.Provider p : info.providers()) {
        providers.add(provider(layout, p, http, client));
      }
    } catch (Exception e) {
      chain =
          new Chain(
              info.rpcUrl(),
              info.chainId(),
              info.anvilPid(),
              anvilAlive,
              false,
              null,
              registry,
              market,
              null,
              DevnetUp.describe(e));
      providers.clear();
      for (DevnetInfo.Provider p : info.providers()) {
        providers.add(provider(layout, p, http, Optional.empty()));
      }
    }
    boolean healthy =
        chain.reachable()
            && chain.processAlive()
            && providers.stream()
                .allMatch(
                    p ->
                        p.state().equals(STOPPED) || (p.processAlive() && p.health().equals("ok")));
    return new Report(layout.dir().toString(), true, healthy, chain, List.copyOf(providers));
  }

  private static MarketRules rules(MarketClient client) {
    try {
      return MarketRules.read(client);
    } catch (Exception e) {
      return null;
    }
  }

  private static Provider provider(
      DevnetLayout layout, DevnetInfo.Provider p, HttpClient http, Optional<MarketClient> client) {
    boolean alive = DetachedProcess.alive(p.pid(), layout.nodeMarker(p.name()));
    String state = alive ? RUNNING : p.pid() == 0 ? STOPPED : EXITED;
    String health = alive ? NodeProcesses.health(http, p.adminUrl()).orElse("ok") : "not running";
    boolean registered = false;
    String stake = null;
    String free = null;
    String withdrawable = null;
    if (client.isPresent()) {
      try {
        ProviderRegistry.Provider record =
            client.get().registryView().providerOf(p.address()).send();
        registered = record.registered;
        stake = record.stake.toString();
        free = client.get().registryView().freeStake(p.address()).send().toString();
        BigInteger owed = client.get().marketView().withdrawable(p.address()).send();
        withdrawable = owed.toString();
      } catch (Exception e) {
        health = health + "; chain read failed: " + DevnetUp.describe(e);
      }
    }
    return new Provider(
        p.name(),
        p.address(),
        p.peerId(),
        p.multiaddr(),
        p.adminUrl(),
        p.pid(),
        state,
        alive,
        health,
        registered,
        stake,
        free,
        withdrawable,
        p.logFile());
  }
}
