package io.hyphae.devnet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

class WalletJobSubmissionTest {

  @Command(name = "submit")
  static final class Submit {}

  @Command(name = "job", subcommands = Submit.class)
  static final class Job {}

  @Command(name = "wallet", subcommands = Job.class)
  static final class WithJobSubmit {}

  @Command(name = "wallet", subcommands = Submit.class)
  static final class WithoutJob {}

  @Test
  void findsSubcommandsByTheirDeclaredNames() {
    assertThat(WalletJobSubmission.subcommand(WithJobSubmit.class, "job")).contains(Job.class);
    assertThat(WalletJobSubmission.subcommand(Job.class, "submit")).contains(Submit.class);
    assertThat(WalletJobSubmission.subcommand(WithoutJob.class, "job")).isEmpty();
    assertThat(WalletJobSubmission.subcommand(String.class, "job")).isEmpty();
  }

  @Test
  void passesTheDevnetFileAndJsonBeforeTheJobSubmitArguments() {
    JobSubmission.Request request =
        new JobSubmission.Request(
            Path.of("/d/devnet.json"),
            Path.of("/d/password"),
            Path.of("/d/in.jsonl"),
            Path.of("/d/out.jsonl"),
            "all-minilm-l6-v2-q",
            "cpu-det-v1",
            6,
            Duration.ofMinutes(1));
    assertThat(WalletJobSubmission.arguments(request))
        .containsSubsequence("--devnet-info", "/d/devnet.json", "--json", "job", "submit")
        .containsSubsequence("--shards", "6")
        .containsSubsequence("--model", "all-minilm-l6-v2-q")
        .containsSubsequence("--profile", "cpu-det-v1")
        .containsSubsequence("--out", "/d/out.jsonl")
        .containsSubsequence("--password-file", "/d/password")
        .containsSubsequence("--input", "/d/in.jsonl")
        .containsSubsequence("--bid-window", "5")
        .containsSubsequence("--max-price", WalletJobSubmission.MAX_PRICE_WEI.toString());
  }

  @Test
  void aBidWindowAmongTheMoreOptionsReplacesTheDemosOne() {
    JobSubmission.Request request =
        new JobSubmission.Request(
            Path.of("/d/devnet.json"),
            Path.of("/d/password"),
            Path.of("/d/in.jsonl"),
            Path.of("/d/out.jsonl"),
            "all-minilm-l6-v2-q",
            "cpu-det-v1",
            6,
            Duration.ofMinutes(1));
    List<String> arguments =
        WalletJobSubmission.arguments(request, List.of("--bid-window", "1.000", "--no-wait"));
    assertThat(arguments.stream().filter("--bid-window"::equals)).hasSize(1);
    assertThat(arguments).containsSubsequence("--bid-window", "1.000", "--no-wait");
    assertThat(WalletJobSubmission.arguments(request, List.of("--no-wait")))
        .containsSubsequence("--bid-window", "5", "--no-wait");
  }

  @Test
  void runsTheWalletWithTheLaunchersJvmOptionsAndAnArchivePerClassPath(@TempDir Path root)
      throws Exception {
    assertThat(WalletJobSubmission.walletJvmOptions(root, "a.jar")).isEmpty();
    Files.createDirectories(root.resolve("tools"));
    Files.writeString(root.resolve("tools/wallet-jvm.args"), "-XX:TieredStopAtLevel=1\n");
    List<String> options = WalletJobSubmission.walletJvmOptions(root, "a.jar");
    assertThat(options).first().isEqualTo("@" + root.resolve("tools/wallet-jvm.args"));
    assertThat(options.get(1)).startsWith("-XX:SharedArchiveFile=" + root.resolve("devnet/target"));
    assertThat(WalletJobSubmission.walletJvmOptions(root, "b.jar").get(1))
        .isNotEqualTo(options.get(1));
    // A class path with a directory (a test's) cannot be archived: no options at all.
    assertThat(WalletJobSubmission.walletJvmOptions(root, "a.jar" + File.pathSeparator + root))
        .isEmpty();
  }
}
