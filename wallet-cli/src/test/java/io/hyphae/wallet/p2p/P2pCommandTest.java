package io.hyphae.wallet.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.peer.PeerId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;
import picocli.CommandLine;

class P2pCommandTest {

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new P2pCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute(args)).as(String.join(" ", args)).isZero();
    return out.toString();
  }

  @Test
  void idOfAKeystoreIsThePeerIdOfItsEthereumKey(@TempDir Path dir) throws Exception {
    String file = WalletUtils.generateLightNewWalletFile("pw", dir.toFile());
    // the generated file holds a fresh key: read it back through the command and compare
    Path keystore = dir.resolve(file);
    Path password = Files.writeString(dir.resolve("password"), "pw\n");
    String out =
        run("id", "--keystore", keystore.toString(), "--password-file", password.toString());
    var credentials = WalletUtils.loadCredentials("pw", keystore.toFile());
    PeerId expected =
        PeerId.fromPublicKey(
            Secp256k1PrivKey.fromBytes(
                    Numeric.toBytesPadded(credentials.getEcKeyPair().getPrivateKey(), 32))
                .publicKey());
    assertThat(out.lines().findFirst()).contains(expected.toBase58());
    assertThat(expected.toBase58()).startsWith("16Uiu2HA");
  }

  @Test
  void freshKeysOfBothTypes() {
    assertThat(run("id")).startsWith("16Uiu2HA");
    assertThat(run("id", "--key-type", "ed25519")).startsWith("12D3KooW");
  }

  @Test
  void badArgumentsExitWithTwo() {
    CommandLine cli = new CommandLine(new P2pCommand());
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("ping", "/ip4/127.0.0.1/udp/1")).isEqualTo(2);
    assertThat(cli.execute("id", "--key-type", "rsa")).isEqualTo(2);
  }
}
