package io.hyphae.devnet.testing;

import io.hyphae.devnet.DevnetMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code hyphae devnet ...} in the test's JVM and captures what it printed. */
public final class DevnetCli {

  private DevnetCli() {}

  /** What a devnet command did. */
  public record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
    }
  }

  /** Runs the devnet command line with {@code args}. */
  public static synchronized Run run(String... args) {
    // The commands print through System.out (up, down, provider) and picocli's writer (status,
    // logs), which wraps System.out when first used: capture System.out for both.
    PrintStream savedOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      CommandLine cli = DevnetMain.commandLine();
      cli.setErr(new PrintWriter(err, true));
      code = cli.execute(args);
      System.out.flush();
    } finally {
      System.setOut(savedOut);
    }
    return new Run(code, captured.toString(StandardCharsets.UTF_8), err.toString());
  }
}
