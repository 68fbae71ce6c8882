package io.hyphae.wallet;

import io.hyphae.contracts.chain.ChainConnection;
import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.Deployment;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.chain.TransactionSender;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.keys.KeystoreFiles;
import io.hyphae.contracts.keys.PasswordSource;
import io.hyphae.contracts.market.Web3jMarket;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.wallet.job.RequesterAccount;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * One unlocked account connected to the market: the keystore's credentials, the chain connection,
 * the account's transaction sender (which counts the gas it spends) and its market client.
 */
final class WalletChain implements AutoCloseable {

  static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);
  private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

  final Credentials credentials;
  final ChainConnection chain;
  final TransactionSender sender;
  final MarketClient client;
  final Web3jMarket market;

  private WalletChain(Credentials credentials, ChainConnection chain, Deployment deployment) {
    this.credentials = credentials;
    this.chain = chain;
    this.sender = new TransactionSender(chain, credentials, RPC_TIMEOUT);
    this.client = new MarketClient(sender, deployment);
    this.market = new Web3jMarket(client);
  }

  /**
   * Unlocks the account and connects.
   *
   * @param requesterDefault use the devnet's requester keystore when no account is named
   */
  static WalletChain open(WalletContext context, AccountOptions options, boolean requesterDefault) {
    Credentials credentials = unlock(context, options, requesterDefault);
    Deployment deployment = deployment(context, options, 0);
    ChainConnection chain = ChainConnection.open(context.rpcUrl(), RPC_TIMEOUT);
    try {
      if (chain.chainId() != deployment.chainId() && deployment.chainId() != 0) {
        throw new ChainException(
            "the devnet file is for chain "
                + deployment.chainId()
                + " but "
                + context.rpcUrl()
                + " is chain "
                + chain.chainId());
      }
      return new WalletChain(credentials, chain, deployment(context, options, chain.chainId()));
    } catch (RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  /**
   * A connection for reading only (status, events): no keystore is unlocked; a fresh key stands in
   * as the sender because views need a caller address but sign nothing.
   */
  static WalletChain readOnly(WalletContext context, AccountOptions options) {
    Credentials reader;
    try {
      reader = Credentials.create(org.web3j.crypto.Keys.createEcKeyPair());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no secure random source", e);
    }
    Deployment deployment = deployment(context, options, 0);
    ChainConnection chain = ChainConnection.open(context.rpcUrl(), RPC_TIMEOUT);
    try {
      return new WalletChain(reader, chain, withChain(deployment, chain.chainId()));
    } catch (RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  private static Deployment withChain(Deployment d, long chainId) {
    return new Deployment(chainId, d.registry(), d.market(), d.deployer(), d.block());
  }

  static Credentials unlock(
      WalletContext context, AccountOptions options, boolean requesterDefault) {
    Map<String, String> env = context.environment();
    Optional<DevnetInfo> devnet = context.devnet();
    Path file;
    Optional<Path> passwordFile = Optional.ofNullable(options.passwordFile);
    if (options.keystore != null) {
      file = options.keystore;
    } else if (options.account != null) {
      file = context.keystore().select(Optional.of(options.account)).file();
    } else if (requesterDefault && devnet.isPresent() && devnet.get().requesterKeystore() != null) {
      Path root = devnetRoot(context);
      file = root.resolve(devnet.get().requesterKeystore());
      Path devnetPassword =
          context.devnetInfoFile().toAbsolutePath().getParent().resolve("password");
      if (passwordFile.isEmpty()
          && !env.containsKey(PasswordSource.ENV_VARIABLE)
          && Files.isRegularFile(devnetPassword)) {
        passwordFile = Optional.of(devnetPassword);
      }
    } else {
      file = context.keystore().select(Optional.empty()).file();
    }
    String password = PasswordSource.choose(passwordFile, env).read(env);
    return KeystoreFiles.unlock(file, password);
  }

  /** The repository root a devnet file's relative paths are relative to. */
  static Path devnetRoot(WalletContext context) {
    Path info = context.devnetInfoFile().toAbsolutePath();
    return info.getParent() != null && info.getParent().getParent() != null
        ? info.getParent().getParent()
        : info.getParent();
  }

  private static Deployment deployment(
      WalletContext context, AccountOptions options, long chainId) {
    Map<String, String> contracts = new HashMap<>();
    long devnetChain = 0;
    if (options.contracts != null) {
      contracts.putAll(options.contracts);
    } else {
      Optional<DevnetInfo> devnet = context.devnet();
      if (devnet.isPresent()) {
        contracts.putAll(devnet.get().contracts());
        devnetChain = devnet.get().chainId();
      }
    }
    String market = contracts.get("JobMarket");
    String registry = contracts.get("ProviderRegistry");
    if (market == null || registry == null) {
      throw new ChainException(
          "no market contracts known: pass --contracts JobMarket=0x…,ProviderRegistry=0x…"
              + " or start a devnet (./hyphae devnet up)");
    }
    try {
      return new Deployment(
          chainId != 0 ? chainId : devnetChain, registry, market, ZERO_ADDRESS, 0);
    } catch (IllegalArgumentException e) {
      throw new ChainException("--contracts: " + e.getMessage(), e);
    }
  }

  /** The account's secp256k1 key as a libp2p identity: its peer id names the same account. */
  Secp256k1PrivKey p2pKey() {
    return Secp256k1PrivKey.fromBytes(
        Numeric.toBytesPadded(credentials.getEcKeyPair().getPrivateKey(), 32));
  }

  String address() {
    return market.account();
  }

  RequesterAccount requester() {
    return new RequesterAccount(
        market,
        client.eip712(),
        chain.chainId(),
        client.deployment().market(),
        sender::gasUsed,
        sender::balance,
        () -> {
          try {
            return chain.web3j().ethGasPrice().send().getGasPrice();
          } catch (IOException e) {
            throw new ChainException("reading the gas price failed: " + e.getMessage(), e);
          }
        });
  }

  BigInteger balance() {
    return sender.balance();
  }

  @Override
  public void close() {
    chain.close();
  }
}
