package io.hyphae.node.run;

import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.keys.KeystoreDirectory;
import io.hyphae.contracts.keys.KeystoreFiles;
import io.hyphae.contracts.market.Web3jMarket;
import io.hyphae.node.admin.AdminServer;
import io.hyphae.node.admin.AdminSources;
import io.hyphae.node.bid.BidService;
import io.hyphae.node.bid.Bidder;
import io.hyphae.node.chain.ChainAccess;
import io.hyphae.node.chain.ChainWatcher;
import io.hyphae.node.committee.CommitteeService;
import io.hyphae.node.config.Fault;
import io.hyphae.node.config.NodeConfig;
import io.hyphae.node.hardware.HardwareProbe;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.job.Capabilities;
import io.hyphae.node.job.JobEngine;
import io.hyphae.node.job.Libp2pRequesterLink;
import io.hyphae.node.journal.JournalException;
import io.hyphae.node.journal.SqliteJobJournal;
import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelException;
import io.hyphae.node.model.ModelRegistry;
import io.hyphae.node.p2p.MarketPresence;
import io.hyphae.node.p2p.NodeIdentity;
import io.hyphae.node.p2p.P2pService;
import io.hyphae.node.verify.VerifyService;
import io.hyphae.protocol.commitment.Bytes32;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Starts the node's parts, in order: unlock the keystore, open the job journal, load the models and
 * the inference engine, start the libp2p host (identify, ping, {@code /hyphae/verify}); when the
 * config names the {@code JobMarket} and {@code ProviderRegistry} contracts, also the job engine
 * (resuming the jobs the journal says the node owes), the bidder ({@code /hyphae/bid}) and the
 * chain watcher; last the admin HTTP server. {@link ShutdownSequence} stops them in reverse order.
 */
public final class NodeRunner {

  static final Duration JOURNAL_OPEN_TIMEOUT = Duration.ofSeconds(30);
  static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);
  static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(60);
  static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

  private static final Logger LOG = LoggerFactory.getLogger(NodeRunner.class);

  private NodeRunner() {}

  /** The market parts, present when the config names the contracts. */
  public record MarketParts(
      ChainAccess chain,
      ChainWatcher watcher,
      JobEngine jobs,
      Bidder bidder,
      CommitteeService committee,
      String market) {}

  /** The running node: its address, its endpoints, its parts, and what stops it. */
  public record RunningNode(
      String address,
      InetSocketAddress adminAddress,
      SqliteJobJournal journal,
      P2pService p2p,
      Optional<MarketParts> market,
      ShutdownSequence shutdown)
      implements AutoCloseable {
    @Override
    public void close() {
      shutdown.close();
    }
  }

  /**
   * Starts the node. On failure, whatever already started is stopped again before the exception
   * propagates, so nothing is left half-running. A chain that does not answer is no failure: the
   * node keeps trying (see {@code /healthz}).
   *
   * @throws io.hyphae.contracts.keys.KeystoreException when the keystore cannot be unlocked
   * @throws io.hyphae.node.journal.JournalException when the journal cannot be opened
   * @throws IOException when the admin address cannot be bound
   * @throws IllegalStateException when a model cannot be loaded or libp2p cannot listen
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
      if (config.fault() != Fault.NONE) {
        LOG.warn(
            "*** FAULT {} IS ON: this node deliberately delivers WRONG results and will be"
                + " slashed. For tests only; never run it on a real market. ***",
            config.fault().key());
      }
      String password = config.passwordSource().read(environment);
      Credentials credentials = KeystoreFiles.unlock(keystore, password);
      String address = Keys.toChecksumAddress(credentials.getAddress());
      NodeIdentity identity = NodeIdentity.of(credentials);
      LOG.info("unlocked {} from {}", address, keystore);

      SqliteJobJournal journal =
          shutdown.add(
              "job journal",
              SqliteJobJournal.open(config.journalFile(), clock, JOURNAL_OPEN_TIMEOUT));
      int pending = await(journal.countPendingJobs());
      LOG.info("journal {} holds {} pending jobs", journal.file(), pending);

      ModelRegistry registry = new ModelRegistry();
      Map<Bytes32, String> models = loadModels(registry, config.models());
      OnnxInferenceEngine engine =
          shutdown.add(
              "inference engine",
              new OnnxInferenceEngine(
                  registry,
                  EngineConfig.defaults()
                      .withMaxPendingShards(
                          Math.max(config.maxConcurrentShards(), VerifyService.MAX_CONCURRENT))));
      Capabilities capabilities = new Capabilities(models, engine.profiles());

      P2pService p2p =
          shutdown.add(
              "libp2p host",
              P2pService.start(
                  identity, config.p2pHost(), config.p2pPort(), config.bootstrapPeers()));
      VerifyService verify = new VerifyService(capabilities, engine);
      verify.serve(p2p.host());

      Optional<MarketParts> market =
          startMarket(
              config, clock, shutdown, credentials, identity, journal, capabilities, engine, p2p);
      shutdown.add(
          "market discovery",
          MarketPresence.start(
              p2p,
              identity,
              config.bootstrapPeers(),
              new HardwareProbe().probe(),
              capabilities,
              config.pricePerShardWei(),
              () -> config.maxConcurrentShards() - market.map(m -> m.jobs().shardsOwed()).orElse(0),
              stakeOf(market, identity.address())));

      Instant startedAt = clock.instant();
      PrometheusRegistry metrics = new PrometheusRegistry();
      registerMetrics(metrics, address, journal, p2p, verify, market);
      AdminServer admin =
          shutdown.add(
              "admin HTTP server",
              AdminServer.start(
                  new InetSocketAddress(
                      InetAddress.getByName(config.adminHost()), config.adminPort()),
                  new AdminSources(
                      metrics,
                      () -> health(journal, market),
                      () ->
                          status(
                              config,
                              address,
                              startedAt,
                              clock,
                              journal,
                              p2p,
                              capabilities,
                              market))));
      return new RunningNode(address, admin.address(), journal, p2p, market, shutdown);
    } catch (IOException | RuntimeException e) {
      try {
        shutdown.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * The stake the capacity ad states: read from the registry once now and then at most once a
   * minute, on a virtual thread, so that making an ad never waits for the chain.
   */
  private static java.util.function.Supplier<BigInteger> stakeOf(
      Optional<MarketParts> market, String address) {
    AtomicReference<BigInteger> stake = new AtomicReference<>(BigInteger.ZERO);
    java.util.concurrent.atomic.AtomicLong readAt = new java.util.concurrent.atomic.AtomicLong();
    Runnable refresh =
        () ->
            market.ifPresent(
                m -> {
                  try {
                    stake.set(m.chain().market().provider(address).stake());
                  } catch (RuntimeException e) {
                    LOG.debug("stake not read: {}", e.toString());
                  }
                });
    refresh.run();
    readAt.set(System.nanoTime());
    return () -> {
      long last = readAt.get();
      if (System.nanoTime() - last > 60_000_000_000L
          && readAt.compareAndSet(last, System.nanoTime())) {
        Thread.ofVirtual().name("stake-refresh").start(refresh);
      }
      return stake.get();
    };
  }

  /** The configured models by content hash: built-in names (any case) or their 0x hashes. */
  static Map<Bytes32, String> loadModels(ModelRegistry registry, List<String> ids) {
    Map<Bytes32, String> out = new LinkedHashMap<>();
    for (String id : ids) {
      try {
        Model model = null;
        if (id.startsWith("0x")) {
          for (String name : ModelRegistry.builtInNames()) {
            Model m = registry.loadBuiltIn(name);
            if (m.id().toHex().equalsIgnoreCase(id)) {
              model = m;
            }
          }
        } else {
          for (String name : ModelRegistry.builtInNames()) {
            if (name.equalsIgnoreCase(id)) {
              model = registry.loadBuiltIn(name);
            }
          }
        }
        if (model == null) {
          throw new IllegalStateException(
              "models: '"
                  + id
                  + "' is not a built-in model name or hash (built in: "
                  + ModelRegistry.builtInNames()
                  + "; see: hyphae node models)");
        }
        out.put(model.id(), model.name());
        LOG.info("serving model {} {}", model.name(), model.id());
      } catch (ModelException e) {
        throw new IllegalStateException("models: cannot load '" + id + "': " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static Optional<MarketParts> startMarket(
      NodeConfig config,
      Clock clock,
      ShutdownSequence shutdown,
      Credentials credentials,
      NodeIdentity identity,
      SqliteJobJournal journal,
      Capabilities capabilities,
      OnnxInferenceEngine engine,
      P2pService p2p) {
    Optional<String> marketAddress = config.contract("JobMarket");
    Optional<String> registryAddress = config.contract("ProviderRegistry");
    if (marketAddress.isEmpty() || registryAddress.isEmpty()) {
      LOG.info("contracts names no JobMarket and ProviderRegistry: no market work");
      return Optional.empty();
    }
    String market = marketAddress.get().toLowerCase(Locale.ROOT);
    List<ChainConnection> connections = new ArrayList<>();
    shutdown.add(
        "chain connection",
        () -> {
          synchronized (connections) {
            connections.forEach(ChainConnection::close);
          }
        });
    ChainAccess chain =
        new ChainAccess(
            () -> {
              ChainConnection connection = ChainConnection.open(config.rpcUrl(), RPC_TIMEOUT);
              if (connection.chainId() != config.chainId()) {
                connection.close();
                throw new ChainException(
                    "the chain at "
                        + config.rpcUrl()
                        + " has chain id "
                        + connection.chainId()
                        + ", not the configured "
                        + config.chainId());
              }
              synchronized (connections) {
                connections.add(connection);
              }
              Deployment deployment =
                  new Deployment(
                      config.chainId(),
                      registryAddress.get(),
                      marketAddress.get(),
                      ZERO_ADDRESS,
                      0);
              return new Web3jMarket(
                  new MarketClient(
                      new TransactionSender(connection, credentials, RECEIPT_TIMEOUT), deployment));
            });
    AtomicReference<Bidder> bidderRef = new AtomicReference<>();
    JobEngine jobs =
        shutdown.add(
            "job engine",
            new JobEngine(
                chain,
                journal,
                config.chainId(),
                market,
                identity.address(),
                capabilities,
                engine,
                new Libp2pRequesterLink(p2p),
                clock,
                JobEngine.Timing.defaults(),
                jobId -> {
                  Bidder b = bidderRef.get();
                  if (b != null) {
                    b.settled(jobId);
                  }
                },
                config.fault()));
    CommitteeService committee =
        shutdown.add(
            "committee",
            new CommitteeService(
                chain,
                journal,
                config.chainId(),
                market,
                identity.address(),
                capabilities,
                engine,
                jobs.transactionLock(),
                clock,
                CommitteeService.Timing.defaults()));
    committee.serve(p2p.host());
    Bidder bidder =
        new Bidder(
            chain,
            journal,
            config.chainId(),
            market,
            capabilities,
            config.pricePerShardWei(),
            config.maxConcurrentShards(),
            jobs::shardsOwed);
    bidderRef.set(bidder);
    shutdown.add("bidder", BidService.serve(p2p.host(), bidder));
    ChainWatcher watcher =
        shutdown.add(
            "chain watcher",
            new ChainWatcher(
                chain,
                journal,
                "events/" + config.chainId() + "/" + market,
                config.confirmations(),
                Duration.ofMillis(config.pollIntervalMs()),
                event -> {
                  jobs.onEvent(event);
                  committee.onEvent(event);
                }));
    try {
      jobs.resume();
      committee.resume();
    } catch (Exception e) {
      throw new IllegalStateException("resuming the journal's work failed: " + e.getMessage(), e);
    }
    watcher.start();
    return Optional.of(new MarketParts(chain, watcher, jobs, bidder, committee, market));
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
      PrometheusRegistry registry,
      String address,
      SqliteJobJournal journal,
      P2pService p2p,
      VerifyService verify,
      Optional<MarketParts> market) {
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
    GaugeWithCallback.builder()
        .name("hyphae_p2p_peers")
        .help("Peers connected over libp2p")
        .callback(callback -> callback.call(p2p.connectedPeers()))
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_verify_requests_total")
        .help("Spot-check re-runs answered with an output")
        .callback(callback -> callback.call(verify.served()))
        .register(registry);
    if (market.isEmpty()) {
      return;
    }
    MarketParts m = market.get();
    GaugeWithCallback.builder()
        .name("hyphae_jobs")
        .help(
            "Jobs by state: unfinished ones now, FINALIZED, RECLAIMED and SLASHED since the node"
                + " started")
        .labelNames("state")
        .callback(callback -> m.jobs().jobsByState().forEach((s, n) -> callback.call(n, s.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_shards_executed_total")
        .help("Shards run through inference for jobs")
        .callback(callback -> callback.call(m.jobs().shardsExecuted()))
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_bids_total")
        .help("Requests for quotes answered, by outcome")
        .labelNames("outcome")
        .callback(
            callback -> {
              callback.call(m.bidder().bidsSent(), "sent");
              callback.call(m.bidder().bidsRefused(), "refused");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_committee_challenges_seen_total")
        .help("ChallengeOpened events the node handled")
        .callback(callback -> callback.call(m.committee().stats().challengesSeen()))
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_committee_duties_total")
        .help("Challenges the node was drawn to vote on")
        .callback(callback -> callback.call(m.committee().stats().duties()))
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_committee_evidence_total")
        .help("Challenge evidence messages, by outcome")
        .labelNames("outcome")
        .callback(
            callback -> {
              CommitteeService.Stats st = m.committee().stats();
              callback.call(st.evidenceAccepted(), "accepted");
              callback.call(st.evidenceRefused(), "refused");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_committee_votes_total")
        .help("Committee votes, by step: committed, revealed, revealed upheld")
        .labelNames("step")
        .callback(
            callback -> {
              CommitteeService.Stats st = m.committee().stats();
              callback.call(st.votesCommitted(), "committed");
              callback.call(st.votesRevealed(), "revealed");
              callback.call(st.votesUpheld(), "upheld");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_committee_resolved_total")
        .help("Challenges this node resolved on chain")
        .callback(callback -> callback.call(m.committee().stats().challengesResolved()))
        .register(registry);
    CounterWithCallback.builder()
        .name("hyphae_committee_missed_total")
        .help("Committee duties that ended without a revealed vote")
        .callback(callback -> callback.call(m.committee().stats().dutiesMissed()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("hyphae_committee_active_duties")
        .help("Committee duties being worked on now")
        .callback(callback -> callback.call(m.committee().stats().activeDuties()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("hyphae_chain_watcher_lag_blocks")
        .help("Blocks between the chain's head and the last block the watcher handled")
        .callback(callback -> callback.call(m.watcher().status().lagBlocks()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("hyphae_chain_watcher_block")
        .help("The last block whose market events the watcher handled")
        .callback(callback -> callback.call(m.watcher().status().handledBlock()))
        .register(registry);
  }

  private static CompletableFuture<List<String>> health(
      SqliteJobJournal journal, Optional<MarketParts> market) {
    return journal
        .countPendingJobs()
        .handle(
            (jobs, failure) -> {
              List<String> problems = new ArrayList<>();
              if (failure != null) {
                problems.add("the job journal does not answer: " + failure.getMessage());
              }
              market.ifPresent(
                  m -> {
                    String chain = m.watcher().status().problem();
                    if (chain != null && !chain.equals("not polled yet")) {
                      problems.add(chain);
                    }
                  });
              return problems;
            });
  }

  private static CompletableFuture<NodeStatus> status(
      NodeConfig config,
      String address,
      Instant startedAt,
      Clock clock,
      SqliteJobJournal journal,
      P2pService p2p,
      Capabilities capabilities,
      Optional<MarketParts> market) {
    return journal
        .countPendingJobs()
        .thenApply(
            pending -> {
              Map<String, String> services = new LinkedHashMap<>();
              services.put("keystore", "unlocked");
              services.put("job-journal", "open");
              services.put("admin-http", "running");
              services.put(
                  "p2p",
                  "running: "
                      + p2p.connectedPeers()
                      + " peers, "
                      + p2p.listenAddresses().size()
                      + " listen addresses");
              services.put(
                  "inference",
                  "running: "
                      + capabilities.models().size()
                      + " models, profiles "
                      + capabilities.profiles().stream().map(p -> p.name()).toList());
              services.put("verify", "serving /hyphae/verify/1.0.0");
              NodeStatus.Chain chainStatus = null;
              Map<String, Long> jobs = new LinkedHashMap<>();
              Map<String, Long> committee = new LinkedHashMap<>();
              if (market.isPresent()) {
                MarketParts m = market.get();
                ChainWatcher.Status w = m.watcher().status();
                services.put(
                    "chain-watcher",
                    w.problem() == null
                        ? "running: block " + w.handledBlock() + ", " + w.lagBlocks() + " behind"
                        : "degraded: " + w.problem());
                services.put(
                    "bidder",
                    "serving /hyphae/bid/1.0.0: "
                        + m.bidder().bidsSent()
                        + " sent, "
                        + m.bidder().bidsRefused()
                        + " refused");
                services.put(
                    "job-engine",
                    "running: "
                        + m.jobs().activeJobs()
                        + " jobs active, "
                        + m.jobs().shardsExecuted()
                        + " shards executed");
                chainStatus =
                    new NodeStatus.Chain(
                        m.market(), w.handledBlock(), w.latestBlock(), w.lagBlocks(), w.problem());
                m.jobs().jobsByState().forEach((s, n) -> jobs.put(s.name(), n));
                CommitteeService.Stats st = m.committee().stats();
                committee.put("challengesSeen", st.challengesSeen());
                committee.put("duties", st.duties());
                committee.put("evidenceAccepted", st.evidenceAccepted());
                committee.put("evidenceRefused", st.evidenceRefused());
                committee.put("votesCommitted", st.votesCommitted());
                committee.put("votesRevealed", st.votesRevealed());
                committee.put("votesUpheld", st.votesUpheld());
                committee.put("challengesResolved", st.challengesResolved());
                committee.put("dutiesMissed", st.dutiesMissed());
                committee.put("activeDuties", (long) st.activeDuties());
                services.put(
                    "committee",
                    "serving /hyphae/challenge-evidence/1.0.0: "
                        + st.duties()
                        + " duties, "
                        + st.activeDuties()
                        + " active, "
                        + st.votesRevealed()
                        + " votes revealed");
              } else {
                String off = "off: contracts names no JobMarket and ProviderRegistry";
                services.put("chain-watcher", off);
                services.put("bidder", off);
                services.put("job-engine", off);
                services.put("committee", off);
              }
              return new NodeStatus(
                  address,
                  p2p.peerId().toString(),
                  p2p.listenAddresses(),
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
                  chainStatus,
                  jobs,
                  committee,
                  config.fault().key(),
                  services);
            });
  }
}
