package io.hyphae.devnet.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.ContractArtifact;
import io.hyphae.contracts.chain.Anvil;
import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.DevnetAccounts;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.MarketConfig;
import io.hyphae.contracts.chain.MarketDeployer;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.config.ConfigException;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.keys.KdfStrength;
import io.hyphae.contracts.keys.KeystoreFiles;
import io.hyphae.node.config.NodeConfigException;
import io.hyphae.node.config.NodeConfigLoader;
import io.hyphae.node.config.NodeOption;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.peer.PeerId;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;
import org.web3j.crypto.WalletFile;
import org.web3j.crypto.exception.CipherException;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * {@code devnet up}: an anvil chain (automine, chain id 31337, state in the devnet directory), the
 * contracts, keystores for the provider accounts 1..N and the requester (account 9), each provider
 * registered with stake, and one detached {@code node run} per provider. Progress is written to
 * devnet.json as processes start, so {@code down} finds them even if {@code up} itself dies; a
 * failure half-way stops everything this run started and says what failed.
 *
 * <p>A devnet that was stopped without {@code --clean} resumes: anvil loads its saved state, the
 * contracts and registrations found there are reused, the nodes keep their journals.
 */
public final class DevnetUp {

  public static final long CHAIN_ID = 31337;
  public static final int MAX_PROVIDERS = 8;
  public static final int REQUESTER_ACCOUNT = 9;

  /**
   * How often the nodes poll the chain's logs: 200 ms, so a node sees its assignment (and a
   * committee member its challenge) quickly on a chain that mines a block per transaction.
   */
  public static final int NODE_POLL_INTERVAL_MS = 200;

  /** Each provider's stake: 100 ETH, far above the devnet's 1 ETH minimum. */
  public static final BigInteger STAKE_WEI = BigInteger.TEN.pow(20);

  /** The default asking price per shard: 10^12 wei (a millionth of an ETH). */
  public static final BigInteger DEFAULT_PRICE_WEI = BigInteger.TEN.pow(12);

  private static final Duration ANVIL_START = Duration.ofSeconds(30);

  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int ANVIL_STATE_INTERVAL_S = 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to bring up.
   *
   * @param providers provider nodes, 1..8
   * @param port anvil's port on 127.0.0.1
   * @param priceWei each node's asking price per shard
   * @param models built-in model names the nodes serve (case-insensitive)
   * @param fresh start a new chain even if a stopped devnet's state is there
   */
  public record Options(
      int providers, int port, BigInteger priceWei, List<String> models, boolean fresh) {
    public Options {
      if (providers < 1 || providers > MAX_PROVIDERS) {
        throw new IllegalArgumentException(
            "--providers must be 1.." + MAX_PROVIDERS + ", got " + providers);
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("--port must be 1..65535, got " + port);
      }
      if (priceWei == null || priceWei.signum() < 0) {
        throw new IllegalArgumentException("--price must be a whole number of wei, 0 or more");
      }
      models = ModelCatalog.resolveNames(models);
    }

    public static Options defaults() {
      return new Options(3, 8545, DEFAULT_PRICE_WEI, List.of("all-minilm-l6-v2-q"), false);
    }
  }

  private final Path hyphaeRoot;
  private final DevnetLayout layout;
  private final Map<String, String> environment;
  private final PrintStream out;

  /** Node options written over the devnet's own in every node's config (a benchmark's). */
  private Map<NodeOption, String> nodeOptions = Map.of();

  /** Started by this run, in start order: what a failure stops again. */
  private final List<Started> started = new ArrayList<>();

  private record Started(String name, long pid, String marker) {}

  public DevnetUp(
      Path hyphaeRoot, DevnetLayout layout, Map<String, String> environment, PrintStream out) {
    this.hyphaeRoot = hyphaeRoot.toAbsolutePath().normalize();
    this.layout = layout;
    this.environment = Map.copyOf(environment);
    this.out = out;
  }

  /**
   * Brings the devnet up.
   *
   * @throws DevnetException when a devnet already runs there, or a step fails (everything this run
   *     started is stopped again first)
   */
  public DevnetInfo up(Options options) {
    DirectoryLock lock = DirectoryLock.acquire(layout);
    try {
      refuseIfRunning();
      Thread hook = new Thread(this::stopStarted, "devnet-up-abort");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        DevnetInfo info = bringUp(options);
        forgetStarted();
        return info;
      } catch (RuntimeException | IOException e) {
        String what = e instanceof DevnetException ? e.getMessage() : describe(e);
        List<String> stopped = stopStarted();
        deleteQuietly(layout.devnetJson());
        throw new DevnetException(
            "devnet up failed: "
                + what
                + (stopped.isEmpty() ? "" : "\n  stopped what it had started: " + stopped),
            e);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running: it stops what was started.
        }
      }
    } finally {
      lock.close();
    }
  }

  private DevnetInfo bringUp(Options options) throws IOException {
    Instant begin = Instant.now();
    out.printf("Devnet directory: %s%n", layout.dir());
    if (options.fresh()) {
      discardChainState();
    }
    if (!LoopbackPorts.isFree(options.port())) {
      throw new DevnetException(
          "port "
              + options.port()
              + " on 127.0.0.1 is taken (another chain or devnet?): choose another with --port");
    }
    NodeProcesses nodes = new NodeProcesses(hyphaeRoot, layout, environment, out);
    nodes.nodeJar();

    String password = password();
    DevnetAccounts accounts = new DevnetAccounts();
    writeKeystore(layout.requesterKeystore(), accounts.account(REQUESTER_ACCOUNT), password);
    for (int i = 1; i <= options.providers(); i++) {
      writeKeystore(layout.providerKeystore(i), accounts.account(i), password);
    }
    out.printf(
        "Keystores for providers 1..%d and the requester written to %s%n",
        options.providers(), layout.keystoreDir());

    if (Files.isRegularFile(layout.anvilState()) && !contractsUnchanged()) {
      out.println("The contracts changed since the chain was saved: starting a new chain");
      discardChainState();
    }
    boolean resume = Files.isRegularFile(layout.anvilState());
    String rpcUrl = startAnvil(options.port(), resume);
    long anvilPid = firstStartedPid();
    DevnetInfo info =
        new DevnetInfo(
            DevnetInfo.SCHEMA_VERSION,
            rpcUrl,
            CHAIN_ID,
            Map.of(),
            Map.of(),
            Map.of(),
            layout.requesterKeystore().toString(),
            anvilPid,
            List.of());
    info.write(layout.devnetJson());

    try (ChainConnection chain = ChainConnection.open(rpcUrl, RPC_TIMEOUT)) {
      if (chain.chainId() != CHAIN_ID) {
        throw new DevnetException(
            "anvil reports chain id " + chain.chainId() + ", expected " + CHAIN_ID);
      }
      Deployment deployment = deployOrReuse(chain, accounts, resume, options.providers());
      Map<String, String> contracts = new LinkedHashMap<>();
      contracts.put("ProviderRegistry", Keys.toChecksumAddress(deployment.registry()));
      contracts.put("JobMarket", Keys.toChecksumAddress(deployment.market()));

      Map<String, String> models =
          ModelCatalog.modelHashes(
              io.hyphae.node.model.ModelRegistry.builtInNames().stream().toList());
      Map<String, String> profiles = ModelCatalog.profileHashes();

      List<PendingProvider> pending = new ArrayList<>();
      for (int i = 1; i <= options.providers(); i++) {
        Credentials credentials = accounts.account(i);
        String peerId = peerId(credentials);
        register(chain, deployment, credentials, peerId, DevnetLayout.providerName(i));
        pending.add(
            new PendingProvider(i, Keys.toChecksumAddress(credentials.getAddress()), peerId));
      }

      info = withContracts(info, contracts, models, profiles, List.of());
      info.write(layout.devnetJson());

      LoopbackPorts ports = new LoopbackPorts();
      List<DevnetInfo.Provider> providers = new ArrayList<>();
      List<Integer> adminPorts = new ArrayList<>();
      for (PendingProvider p : pending) {
        int p2pPort = ports.next();
        int adminPort = ports.next();
        writeNodeConfig(p.index(), rpcUrl, deployment, options, p2pPort, adminPort);
        String name = DevnetLayout.providerName(p.index());
        long pid = nodes.start(p.index());
        remember(new Started(name, pid, nodeMarker(name)));
        providers.add(
            new DevnetInfo.Provider(
                DevnetLayout.providerName(p.index()),
                p.address(),
                p.peerId(),
                "/ip4/127.0.0.1/tcp/" + p2pPort + "/p2p/" + p.peerId(),
                "http://127.0.0.1:" + adminPort,
                pid,
                layout.nodeLog(p.index()).toString(),
                layout.providerDir(p.index()).toString()));
        adminPorts.add(adminPort);
        info = withContracts(info, contracts, models, profiles, providers);
        info.write(layout.devnetJson());
      }
      for (DevnetInfo.Provider provider : providers) {
        nodes.awaitHealthy(provider);
      }
    }
    Duration took = Duration.between(begin, Instant.now());
    out.printf(
        "Devnet up in %.1f s: chain %s (anvil pid %d), %d provider(s); %s%n",
        took.toMillis() / 1000.0, rpcUrl, anvilPid, info.providers().size(), layout.devnetJson());
    for (DevnetInfo.Provider p : info.providers()) {
      out.printf("  %s %s pid %d admin %s%n", p.name(), p.address(), p.pid(), p.adminUrl());
      out.printf("    %s%n", p.multiaddr());
    }
    return info;
  }

  private record PendingProvider(int index, String address, String peerId) {}

  private static DevnetInfo withContracts(
      DevnetInfo info,
      Map<String, String> contracts,
      Map<String, String> models,
      Map<String, String> profiles,
      List<DevnetInfo.Provider> providers) {
    return new DevnetInfo(
        info.version(),
        info.rpcUrl(),
        info.chainId(),
        contracts,
        models,
        profiles,
        info.requesterKeystore(),
        info.anvilPid(),
        providers);
  }

  // ---------------------------------------------------------------- already running

  private void refuseIfRunning() {
    Optional<DevnetInfo> existing;
    try {
      existing = DevnetInfo.readIfPresent(layout.devnetJson());
    } catch (ConfigException e) {
      // It may name running processes we could no longer find: never start beside them blindly.
      throw new DevnetException(
          e.getMessage()
              + ": cannot tell whether a devnet runs there; stop its processes by hand if one"
              + " does, then remove the file");
    }
    if (existing.isEmpty()) {
      return;
    }
    DevnetInfo info = existing.get();
    List<String> alive = new ArrayList<>();
    if (DetachedProcess.alive(info.anvilPid(), anvilMarker())) {
      alive.add("anvil pid " + info.anvilPid());
    }
    for (DevnetInfo.Provider p : info.providers()) {
      if (DetachedProcess.alive(p.pid(), nodeMarker(p.name()))) {
        alive.add(p.name() + " pid " + p.pid());
      }
    }
    if (!alive.isEmpty()) {
      throw new DevnetException(
          "a devnet is already running in "
              + layout.dir()
              + " ("
              + String.join(", ", alive)
              + "): see ./hyphae devnet status, or stop it with ./hyphae devnet down");
    }
    // Its processes are gone (a reboot, a kill): the file describes nothing running any more.
    out.println("Found a stale " + layout.devnetJson() + " (no process alive): replacing it");
    deleteQuietly(layout.devnetJson());
  }

  private String anvilMarker() {
    return layout.anvilMarker();
  }

  private String nodeMarker(String providerName) {
    return layout.nodeMarker(providerName);
  }

  private void discardChainState() throws IOException {
    out.println("--fresh: discarding the saved chain state and the nodes' journals");
    deleteQuietly(layout.anvilState());
    deleteQuietly(layout.deployment());
    deleteQuietly(layout.contractsVersion());
    for (int i = 1; i <= MAX_PROVIDERS; i++) {
      Path journal = layout.providerDir(i).resolve("journal.db");
      for (String suffix : List.of("", "-wal", "-shm")) {
        deleteQuietly(Path.of(journal + suffix));
      }
    }
  }

  // ---------------------------------------------------------------- keys

  /** The devnet's keystore password: the saved one, or a new random one (file mode 0600). */
  private String password() throws IOException {
    if (Files.isRegularFile(layout.passwordFile())) {
      String saved = Files.readString(layout.passwordFile(), StandardCharsets.UTF_8).strip();
      if (!saved.isEmpty()) {
        return saved;
      }
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    KeystoreFiles.writeAtomically(
        layout.passwordFile(), (password + "\n").getBytes(StandardCharsets.UTF_8));
    return password;
  }

  /** Writes a light-KDF keystore (devnet keys are public anyway) under a fixed name. */
  private static void writeKeystore(Path file, Credentials account, String password) {
    try {
      WalletFile wallet =
          Wallet.create(
              password, account.getEcKeyPair(), KdfStrength.LIGHT.n(), KdfStrength.LIGHT.p());
      KeystoreFiles.writeAtomically(file, JSON.writeValueAsBytes(wallet));
    } catch (CipherException | JsonProcessingException e) {
      throw new DevnetException("cannot write keystore " + file + ": " + e.getMessage(), e);
    }
  }

  /** The libp2p peer id of an account's key: the same secp256k1 key is the node's identity. */
  public static String peerId(Credentials credentials) {
    Secp256k1PrivKey key =
        Secp256k1PrivKey.fromBytes(
            Numeric.toBytesPadded(credentials.getEcKeyPair().getPrivateKey(), 32));
    return PeerId.fromPublicKey(key.publicKey()).toBase58();
  }

  // ---------------------------------------------------------------- chain

  private String startAnvil(int port, boolean resume) throws IOException {
    Path binary = Anvil.binary(hyphaeRoot);
    if (!Files.isExecutable(binary)) {
      throw new DevnetException(
          "anvil not found at "
              + binary
              + ": build once with ./mvnw -DskipTests package (it installs the pinned npm tools)");
    }
    List<String> command =
        List.of(
            binary.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--chain-id",
            Long.toString(CHAIN_ID),
            "--hardfork",
            "prague",
            "--state",
            layout.anvilState().toString(),
            "--state-interval",
            Integer.toString(ANVIL_STATE_INTERVAL_S));
    out.printf(
        "Starting anvil on 127.0.0.1:%d (%s)...%n",
        port, resume ? "resuming the saved chain state" : "a new chain");
    long pid = DetachedProcess.start(command, layout.anvilLog(), layout.dir(), environment);
    remember(new Started("anvil", pid, anvilMarker()));
    String rpcUrl = "http://127.0.0.1:" + port;
    Instant deadline = Instant.now().plus(ANVIL_START);
    ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
    while (true) {
      if (handle == null || NodeProcesses.exitsWithin(handle, POLL)) {
        throw new DevnetException(
            "anvil exited while starting; the end of " + layout.anvilLog() + ":\n" + anvilTail());
      }
      try (ChainConnection probe = ChainConnection.open(rpcUrl, Duration.ofSeconds(2))) {
        out.printf(
            "  anvil pid %d, chain id %d, log %s%n", pid, probe.chainId(), layout.anvilLog());
        return rpcUrl;
      } catch (RuntimeException notYet) { // ChainException or a refused connection: not up yet
        if (Instant.now().isAfter(deadline)) {
          throw new DevnetException(
              "anvil did not answer on "
                  + rpcUrl
                  + " within "
                  + ANVIL_START.toSeconds()
                  + " s; the end of its log:\n"
                  + anvilTail());
        }
      }
    }
  }

  private String anvilTail() {
    return String.join("\n", LogTail.lastLines(layout.anvilLog(), 15));
  }

  private Deployment deployOrReuse(
      ChainConnection chain, DevnetAccounts accounts, boolean resume, int providers)
      throws IOException {
    MarketConfig rules = MarketRules.forProviders(providers);
    if (resume && Files.isRegularFile(layout.deployment())) {
      Deployment saved = Deployment.read(layout.deployment());
      if (saved.chainId() == CHAIN_ID
          && hasCode(chain, saved.registry())
          && hasCode(chain, saved.market())) {
        out.printf(
            "Reusing the contracts: ProviderRegistry %s, JobMarket %s%n",
            saved.registry(), saved.market());
        warnIfOtherRules(chain, accounts, saved, MarketRules.of(rules), providers);
        return saved;
      }
    }
    out.println("Deploying ProviderRegistry and JobMarket...");
    TransactionSender deployer = new TransactionSender(chain, accounts.account(0), RPC_TIMEOUT);
    Deployment deployment = new MarketDeployer(deployer).deploy(rules).deployment();
    deployment.write(layout.deployment());
    KeystoreFiles.writeAtomically(
        layout.contractsVersion(), contractsVersion().getBytes(StandardCharsets.UTF_8));
    out.printf(
        "  ProviderRegistry %s%n  JobMarket %s%n  market rules: %s%n",
        deployment.registry(), deployment.market(), MarketRules.of(rules).describe());
    return deployment;
  }

  /** A resumed chain keeps the rules it was deployed with: say so when they differ from now. */
  private void warnIfOtherRules(
      ChainConnection chain,
      DevnetAccounts accounts,
      Deployment deployment,
      MarketRules wanted,
      int providers) {
    MarketRules onChain;
    try {
      onChain =
          MarketRules.read(
              new MarketClient(
                  new TransactionSender(chain, accounts.account(0), RPC_TIMEOUT), deployment));
    } catch (Exception e) {
      throw new DevnetException("cannot read the market's rules: " + describe(e), e);
    }
    out.printf("  market rules: %s%n", onChain.describe());
    if (!onChain.equals(wanted)) {
      out.printf(
          "  note: a devnet of %d providers would deploy with %s; use --fresh for a new chain"
              + " with those rules%n",
          providers, wanted.describe());
    }
  }

  /**
   * A hash of the contracts' bytecode in this build, saved with the chain they were deployed to.
   */
  private static String contractsVersion() {
    return io.hyphae.protocol.commitment.Keccak256.hash(
            (ContractArtifact.load("ProviderRegistry").bytecodeHex()
                    + ContractArtifact.load("JobMarket").bytecodeHex())
                .getBytes(StandardCharsets.US_ASCII))
        .toHex();
  }

  private boolean contractsUnchanged() throws IOException {
    return Files.isRegularFile(layout.contractsVersion())
        && Files.readString(layout.contractsVersion(), StandardCharsets.UTF_8)
            .strip()
            .equals(contractsVersion());
  }

  private static boolean hasCode(ChainConnection chain, String address) throws IOException {
    String code =
        chain.web3j().ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
    return code != null && code.length() > 2;
  }

  private void register(
      ChainConnection chain,
      Deployment deployment,
      Credentials credentials,
      String peerId,
      String name) {
    MarketClient client =
        new MarketClient(new TransactionSender(chain, credentials, RPC_TIMEOUT), deployment);
    boolean registered;
    try {
      registered = client.registryView().providerOf(credentials.getAddress()).send().registered;
    } catch (Exception e) {
      throw new DevnetException("cannot read " + name + "'s registration: " + describe(e), e);
    }
    if (registered) {
      out.printf("  %s is registered already%n", name);
      return;
    }
    client.register(PeerId.parse(peerId).toBytes(), STAKE_WEI);
    out.printf(
        "  %s registered with %s ETH stake%n", name, STAKE_WEI.divide(BigInteger.TEN.pow(18)));
  }

  // ---------------------------------------------------------------- nodes

  /**
   * Sets node options on top of those the devnet writes (e.g. {@code max-concurrent-shards}); the
   * node's loader checks them like the rest.
   */
  public DevnetUp withNodeOptions(Map<NodeOption, String> options) {
    this.nodeOptions = Map.copyOf(options);
    return this;
  }

  private Path writeNodeConfig(
      int index, String rpcUrl, Deployment deployment, Options options, int p2pPort, int adminPort)
      throws IOException {
    Map<NodeOption, String> values = new EnumMap<>(NodeOption.class);
    values.put(NodeOption.RPC_URL, rpcUrl);
    values.put(NodeOption.CHAIN_ID, Long.toString(CHAIN_ID));
    values.put(
        NodeOption.CONTRACTS,
        "JobMarket="
            + Keys.toChecksumAddress(deployment.market())
            + ",ProviderRegistry="
            + Keys.toChecksumAddress(deployment.registry()));
    values.put(NodeOption.CONFIRMATIONS, "0");
    values.put(NodeOption.POLL_INTERVAL_MS, Integer.toString(NODE_POLL_INTERVAL_MS));
    values.put(NodeOption.P2P_PORT, Integer.toString(p2pPort));
    values.put(NodeOption.ADMIN_HOST, "127.0.0.1");
    values.put(NodeOption.ADMIN_PORT, Integer.toString(adminPort));
    values.put(NodeOption.MODELS, String.join(",", options.models()));
    values.put(NodeOption.PRICE_PER_SHARD_WEI, options.priceWei().toString());
    values.put(NodeOption.DATA_DIR, layout.providerDir(index).toString());
    values.put(NodeOption.KEYSTORE, layout.providerKeystore(index).toString());
    values.put(NodeOption.PASSWORD_FILE, layout.passwordFile().toString());
    values.putAll(nodeOptions);
    try {
      // The node's own loader checks the values before a node is started with them.
      NodeConfigLoader.load(values, Map.of(), Optional.empty());
    } catch (NodeConfigException e) {
      throw new DevnetException("invalid node configuration: " + e.getMessage(), e);
    }
    Path file = layout.nodeConfig(index);
    Files.createDirectories(file.getParent());
    KeystoreFiles.writeAtomically(
        file,
        ("# Written by ./hyphae devnet up for "
                + DevnetLayout.providerName(index)
                + "\n"
                + NodeConfigLoader.formatFile(values))
            .getBytes(StandardCharsets.UTF_8));
    return file;
  }

  // ---------------------------------------------------------------- failure

  private synchronized void remember(Started process) {
    started.add(process);
  }

  private synchronized void forgetStarted() {
    started.clear();
  }

  private synchronized long firstStartedPid() {
    return started.get(0).pid();
  }

  /** Stops what this run started, newest first; names what it stopped. */
  private synchronized List<String> stopStarted() {
    List<String> stopped = new ArrayList<>();
    for (int i = started.size() - 1; i >= 0; i--) {
      Started s = started.get(i);
      DetachedProcess.Stopped how = DetachedProcess.stop(s.pid(), s.marker(), STOP_GRACE);
      stopped.add(
          s.name()
              + " pid "
              + s.pid()
              + " ("
              + how.name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
    started.clear();
    return stopped;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left behind: the next up replaces it.
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
