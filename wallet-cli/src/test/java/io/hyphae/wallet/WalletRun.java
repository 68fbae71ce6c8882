package io.hyphae.wallet;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs the wallet in-process as the launcher would, capturing its output and exit code. */
record WalletRun(int exitCode, String out, String err) {

  static WalletRun run(Path root, Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        WalletMain.commandLine(
            env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), root);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = WalletMain.execute(cli, args);
    return new WalletRun(code, out.toString(), err.toString());
  }
}
