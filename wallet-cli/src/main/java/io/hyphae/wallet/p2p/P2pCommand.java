package io.hyphae.wallet.p2p;

import io.hyphae.protocol.crypto.KeyType;
import io.hyphae.protocol.crypto.PrivKey;
import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.identify.IdentifyInfo;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.peer.PeerId;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyphae p2p ...}: diagnostics for the libp2p layer. */
@Command(
    name = "p2p",
    mixinStandardHelpOptions = true,
    description = "libp2p diagnostics: peer ids, listen, ping, identify.",
    subcommands = {
      P2pCommand.Id.class,
      P2pCommand.Listen.class,
      P2pCommand.Ping.class,
      P2pCommand.Identify.class
    })
public final class P2pCommand implements Runnable {
  static final String PASSWORD_ENV = "HYPHAE_KEYSTORE_PASSWORD";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  /** Where the identity comes from: a keystore, or a fresh key. */
  static final class KeyOptions {
    @Option(
        names = "--keystore",
        paramLabel = "FILE",
        description = "Web3 Secret Storage (V3) keystore; its secp256k1 key is the identity.")
    Path keystore;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description =
            "File holding the keystore password (else $" + PASSWORD_ENV + ", else a prompt).")
    Path passwordFile;

    @Option(
        names = "--key-type",
        defaultValue = "secp256k1",
        description = "Type of a fresh key: secp256k1 or ed25519 (default: ${DEFAULT-VALUE}).")
    String keyType;

    PrivKey load(CommandLine cli) throws Exception {
      if (keystore == null) {
        return switch (keyType.toLowerCase(java.util.Locale.ROOT)) {
          case "secp256k1" -> PrivKey.generate(KeyType.SECP256K1, new SecureRandom());
          case "ed25519" -> PrivKey.generate(KeyType.ED25519, new SecureRandom());
          default ->
              throw new CommandLine.ParameterException(
                  cli, "unknown --key-type '" + keyType + "' (use secp256k1 or ed25519)");
        };
      }
      if (!Files.isReadable(keystore)) {
        throw new CommandLine.ParameterException(cli, "cannot read keystore " + keystore);
      }
      Credentials credentials = WalletUtils.loadCredentials(password(cli), keystore.toFile());
      return Secp256k1PrivKey.fromBytes(
          Numeric.toBytesPadded(credentials.getEcKeyPair().getPrivateKey(), 32));
    }

    private String password(CommandLine cli) throws Exception {
      if (passwordFile != null) {
        return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
      }
      String env = System.getenv(PASSWORD_ENV);
      if (env != null) {
        return env;
      }
      Console console = System.console();
      if (console == null) {
        throw new CommandLine.ParameterException(
            cli, "the keystore needs a password: use --password-file FILE or set " + PASSWORD_ENV);
      }
      return new String(console.readPassword("Keystore password: "));
    }
  }

  static Libp2pHost startHost(PrivKey key, int port, String listenIp) throws Exception {
    HostConfig config =
        HostConfig.defaults(key)
            .withListenAddresses(List.of(Multiaddr.parse("/ip4/" + listenIp + "/tcp/" + port)))
            .withIoThreads(1);
    Libp2pHost host = new Libp2pHost(config);
    host.start().get(10, TimeUnit.SECONDS);
    return host;
  }

  static Multiaddr parseAddress(CommandLine cli, String text) {
    try {
      return Multiaddr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage());
    }
  }

  static <T> T await(java.util.concurrent.CompletableFuture<T> f, Duration timeout)
      throws Exception {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof java.util.concurrent.CompletionException c
              ? c.getCause()
              : e.getCause();
      throw new Exception(cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new Exception("no answer within " + timeout.toSeconds() + " s", e);
    }
  }

  @Command(
      name = "id",
      mixinStandardHelpOptions = true,
      description = "Prints the peer id of a keystore's key, or of a fresh key.")
  static final class Id implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Mixin KeyOptionsMixin keys;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrivKey key = keys.options.load(spec.commandLine());
      PeerId id = PeerId.fromPublicKey(key.publicKey());
      PrintWriter out = spec.commandLine().getOut();
      out.println(id.toBase58());
      out.println("cid:      " + id.toCid());
      out.println("key type: " + key.type().name().toLowerCase(java.util.Locale.ROOT));
      out.flush();
      return 0;
    }
  }

  /** Carries the key options into several commands. */
  static final class KeyOptionsMixin {
    @CommandLine.ArgGroup(exclusive = false)
    KeyOptions options = new KeyOptions();
  }

  @Command(
      name = "listen",
      mixinStandardHelpOptions = true,
      description = "Listens, prints its address, answers ping and identify until stopped.")
  static final class Listen implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Mixin KeyOptionsMixin keys;

    @Option(names = "--port", defaultValue = "0", description = "TCP port (0: any free one).")
    int port;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "IPv4 address to bind (default: ${DEFAULT-VALUE}).")
    String listenIp;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (port < 0 || port > 65535) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535");
      }
      PrivKey key = keys.options.load(spec.commandLine());
      Libp2pHost host = startHost(key, port, listenIp);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      host.stop().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                      // exiting anyway
                    }
                    stopped.countDown();
                  }));
      PrintWriter out = spec.commandLine().getOut();
      for (Multiaddr a : host.listenAddresses()) {
        out.println(a.withPeerId(host.peerId()));
      }
      out.flush();
      stopped.await();
      return 0;
    }
  }

  @Command(
      name = "ping",
      mixinStandardHelpOptions = true,
      description = "Pings a peer and prints each round trip; exits 1 if a ping fails.")
  static final class Ping implements java.util.concurrent.Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "MULTIADDR",
        description = "e.g. /ip4/1.2.3.4/tcp/4001/p2p/12D3...")
    String address;

    @Option(
        names = "--count",
        defaultValue = "3",
        description = "Pings to send (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
        names = "--timeout",
        defaultValue = "10",
        description = "Seconds per step (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (count < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 1");
      }
      Multiaddr target = parseAddress(spec.commandLine(), address);
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      PrintWriter out = spec.commandLine().getOut();
      Libp2pHost host =
          startHost(PrivKey.generate(KeyType.SECP256K1, new SecureRandom()), 0, "127.0.0.1");
      try {
        Connection c = await(host.dial(target), timeout);
        out.printf("connected to %s%n", c.remotePeer());
        for (int i = 1; i <= count; i++) {
          Duration rtt = await(host.ping().ping(c), timeout);
          out.printf("ping %d: %.3f ms%n", i, rtt.toNanos() / 1e6);
          out.flush();
        }
        return 0;
      } finally {
        host.stop().get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Command(
      name = "identify",
      mixinStandardHelpOptions = true,
      description = "Prints a peer's identify record.")
  static final class Identify implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MULTIADDR")
    String address;

    @Option(
        names = "--timeout",
        defaultValue = "10",
        description = "Seconds per step (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Multiaddr target = parseAddress(spec.commandLine(), address);
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      PrintWriter out = spec.commandLine().getOut();
      Libp2pHost host =
          startHost(PrivKey.generate(KeyType.SECP256K1, new SecureRandom()), 0, "127.0.0.1");
      try {
        Connection c = await(host.dial(target), timeout);
        IdentifyInfo info = await(host.identify().identify(c), timeout);
        out.println("peer id:          " + info.peerId());
        out.println(
            "key type:         "
                + info.publicKey().type().name().toLowerCase(java.util.Locale.ROOT));
        out.println("agent version:    " + info.agentVersion());
        out.println("protocol version: " + info.protocolVersion());
        out.println("listen addresses:");
        info.listenAddresses().forEach(a -> out.println("  " + a));
        if (info.skippedAddresses() > 0) {
          out.println("  (" + info.skippedAddresses() + " more on transports we do not speak)");
        }
        out.println(
            "observed address: " + info.observedAddress().map(Object::toString).orElse("-"));
        out.println("protocols:");
        info.protocols().stream().sorted().forEach(p -> out.println("  " + p));
        out.flush();
        return 0;
      } finally {
        host.stop().get(5, TimeUnit.SECONDS);
      }
    }
  }
}
