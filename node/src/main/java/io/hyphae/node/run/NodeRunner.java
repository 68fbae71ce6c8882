package io.hyphae.node.run;

import io.hyphae.contracts.keys.KeystoreDirectory;
import io.hyphae.contracts.keys.KeystoreFiles;
import io.hyphae.node.admin.AdminServer;
import io.hyphae.node.admin.AdminSources;
import io.hyphae.node.config.NodeConfig;
import io.hyphae.node.journal.JournalException;
import io.hyphae.node.journal.SqliteJobJournal;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Starts what the node runs today, in order: unlock the keystore, open the job journal, start the
 * admin HTTP server. The market parts (chain watcher, libp2p host, bidder, inference) are not
 * started because they are not built yet; {@code /status} lists them as such.
 */
public final class NodeRunner {

  static final Duration JOURNAL_OPEN_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(NodeRunner.class);

  private NodeRunner() {}

  /** The running node: its address, its admin endpoint, and what stops it. */
  public record RunningNode(
      String address,
      InetSocketAddress adminAddress,
      SqliteJobJournal journal,
      ShutdownSequence shutdown)
      implements AutoCloseable {
    @Override
    public void close() {
      shutdown.close();
    }
  }

  /**
   * Starts the node. On failure, whatever already started is stopped again before the exception
   * propagates, so nothing is left half-running.
   *
   * @throws io.hyphae.contracts.keys.KeystoreException when the keystore cannot be unlocked
   * @throws io.hyphae.node.journal.JournalException when the journal cannot be opened
   * @throws IOException when the admin address cannot be bound
   */
  public static RunningNode start(NodeConfig config, Map<String, String> environment, Clock clock)
      throws IOException {
    ShutdownSequence shutdown = new ShutdownSequence();
    try {
      var keystore =
          config
              .keystoreFile()
              .orElseGet(
                  () ->
                      new KeystoreDirectory(KeystoreDirectory.defaultLocation(environment))
                          .select(Optional.empty())
                          .file());
      // Read the declared address first: a missing or corrupt file fails before the prompt.
      KeystoreFiles.address(keystore);
      String password = config.passwordSource().read(environment);
      Credentials credentials = KeystoreFiles.unlock(keystore, password);
      String address = Keys.toChecksumAddress(credentials.getAddress());
      LOG.info("unlocked {} from {}", address, keystore);

      SqliteJobJournal journal =
          shutdown.add(
              "job journal",
              SqliteJobJournal.open(config.journalFile(), clock, JOURNAL_OPEN_TIMEOUT));
      int pending = await(journal.countPendingJobs());
      LOG.info("journal {} holds {} pending jobs", journal.file(), pending);

      Instant startedAt = clock.instant();
      PrometheusRegistry registry = new PrometheusRegistry();
      registerMetrics(registry, address, journal);
      AdminServer admin =
          shutdown.add(
              "admin HTTP server",
              AdminServer.start(
                  new InetSocketAddress(
                      InetAddress.getByName(config.adminHost()), config.adminPort()),
                  new AdminSources(
                      registry,
                      () -> health(journal),
                      () -> status(config, address, startedAt, clock, journal))));
      return new RunningNode(address, admin.address(), journal, shutdown);
    } catch (IOException | RuntimeException e) {
      try {
        shutdown.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(JOURNAL_OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new JournalException("the journal failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new JournalException("the journal did not answer within " + JOURNAL_OPEN_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException("interrupted while reading the journal", e);
    }
  }

  private static void registerMetrics(
      PrometheusRegistry registry, String address, SqliteJobJournal journal) {
    Info info =
        Info.builder()
            .name("hyphae_node_info")
            .help("The node's account address")
            .labelNames("address")
            .register(registry);
    info.setLabelValues(address);
    GaugeWithCallback.builder()
        .name("hyphae_journal_queue_depth")
        .help("Journal operations waiting for the disk thread")
        .callback(callback -> callback.call(journal.queueDepth()))
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_journal_transactions_total")
        .help("Journal transactions committed since the node started")
        .callback(callback -> callback.call(journal.transactionsCommitted()))
        .register(registry);
  }

  private static CompletableFuture<List<String>> health(SqliteJobJournal journal) {
    return journal
        .countPendingJobs()
        .handle(
            (jobs, failure) ->
                failure == null
                    ? List.of()
                    : List.of("the job journal does not answer: " + failure.getMessage()));
  }

  private static CompletableFuture<NodeStatus> status(
      NodeConfig config, String address, Instant startedAt, Clock clock, SqliteJobJournal journal) {
    return journal
        .countPendingJobs()
        .thenApply(
            pending -> {
              Map<String, String> services = new LinkedHashMap<>();
              services.put("keystore", "unlocked");
              services.put("job-journal", "open");
              services.put("admin-http", "running");
              services.put("chain-watcher", "not built yet: the node does not watch the chain");
              services.put("p2p", "not built yet: the node does not join the libp2p network");
              services.put("bidder", "not built yet: the node does not bid");
              services.put("inference", "not built yet: the node runs no models");
              return new NodeStatus(
                  address,
                  startedAt.toString(),
                  Duration.between(startedAt, clock.instant()).toSeconds(),
                  config.chainId(),
                  config.rpcUrl(),
                  config.contracts(),
                  config.models(),
                  config.pricePerShardWei().toString(),
                  config.maxConcurrentShards(),
                  new NodeStatus.Journal(
                      journal.file().toString(),
                      pending,
                      journal.transactionsCommitted(),
                      journal.queueDepth()),
                  services);
            });
  }
}
