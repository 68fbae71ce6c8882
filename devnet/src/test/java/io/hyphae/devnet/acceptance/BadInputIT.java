package io.hyphae.devnet.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.devnet.demo.DemoInput;
import io.hyphae.devnet.testing.AcceptanceDevnet;
import io.hyphae.devnet.testing.ChainView;
import io.hyphae.devnet.testing.SharedDevnet;
import io.hyphae.devnet.testing.TestProcesses;
import io.hyphae.devnet.testing.WalletProcess;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A requester's mistakes on a running devnet — a malformed input file, an unknown model, an RPC
 * endpoint nobody answers — each end {@code job submit} with a non-zero exit and a message naming
 * the problem, before anything is sent: no transaction, no balance changed (the requester's, each
 * provider's, the market's and the registry's), no output file, no job file.
 */
@ExtendWith(SharedDevnet.class)
@Order(Order.DEFAULT + 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

  private static final Duration WALLET_TIMEOUT = Duration.ofSeconds(90);

  private AcceptanceDevnet devnet;
  private Path work;
  private Path jobs;
  private Path goodInput;
  private Path output;

  @BeforeAll
  void devnet(AcceptanceDevnet shared) throws Exception {
    devnet = shared;
    devnet.ensureAllRunning();
    try (ChainView chain = devnet.chain()) {
      awaitQuietChain(chain);
    }
  }

  @BeforeEach
  void files() throws Exception {
    work = devnet.scratch("bad-input-" + System.nanoTime());
    jobs = work.resolve("jobs");
    goodInput = DemoInput.write(work.resolve("rows.jsonl"), 30);
    output = work.resolve("out.jsonl");
  }

  @Test
  void aMalformedInputFileIsRefusedNamingTheLineAndNothingIsSent() throws Exception {
    Path malformed =
        Files.writeString(
            work.resolve("malformed.jsonl"),
            "{\"text\": \"a fine row\"}\n{\"text\": \"an unclosed object\"\n\"a third row\"\n");

    WalletProcess.Result run = submitExpectingNoChange(malformed, AcceptanceDevnet.MODEL, null);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr()).contains("error: " + malformed + " line 2: not valid JSON");
  }

  @Test
  void anUnknownModelIsRefusedByNameAndNothingIsSent() throws Exception {
    WalletProcess.Result run = submitExpectingNoChange(goodInput, "no-such-model", null);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr())
        .contains("--model no-such-model is neither 0x and 64 hex digits nor a known name");
  }

  @Test
  void anUnreachableRpcEndpointIsNamedAndNothingIsSent() throws Exception {
    String deadRpc = "http://127.0.0.1:" + TestProcesses.freePort();

    WalletProcess.Result run = submitExpectingNoChange(goodInput, AcceptanceDevnet.MODEL, deadRpc);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.stderr()).contains("error: cannot reach the chain at " + deadRpc);
  }

  /** Runs job submit and checks that it changed nothing: chain, balances, files. */
  private WalletProcess.Result submitExpectingNoChange(Path input, String model, String rpc)
      throws Exception {
    List<String> args = new ArrayList<>();
    if (rpc != null) {
      args.addAll(List.of("--rpc", rpc));
    }
    args.addAll(
        List.of(
            "--input",
            input.toString(),
            "--model",
            model,
            "--shards",
            "2",
            "--max-price",
            "10000000000000",
            "--out",
            output.toString()));
    try (ChainView chain = devnet.chain()) {
      Money before = Money.read(chain, devnet);

      WalletProcess.Result run =
          WalletProcess.run(devnet.root(), jobs, WALLET_TIMEOUT, devnet.jobSubmit(args));

      Money after = Money.read(chain, devnet);
      assertThat(after).as("balances and block number after: %s", run).isEqualTo(before);
      assertThat(output).as("no output file").doesNotExist();
      assertThat(filesIn(jobs)).as("no job file").isEmpty();
      assertThat(run.stdout()).as("no report").isBlank();
      return run;
    }
  }

  /**
   * The money a bad submission must not move, and the chain height (automine: any transaction mines
   * a block).
   */
  record Money(long block, Map<String, BigInteger> eth, Map<String, BigInteger> withdrawable) {
    static Money read(ChainView chain, AcceptanceDevnet devnet) throws Exception {
      Map<String, BigInteger> eth = new LinkedHashMap<>();
      Map<String, BigInteger> owed = new LinkedHashMap<>();
      String requester = devnet.requesterAddress();
      eth.put("requester", chain.eth(requester));
      owed.put("requester", chain.withdrawable(requester));
      for (DevnetInfo.Provider p : devnet.info().providers()) {
        eth.put(p.name(), chain.eth(p.address()));
        owed.put(p.name(), chain.withdrawable(p.address()));
      }
      eth.put("JobMarket", chain.eth(chain.marketAddress()));
      eth.put("ProviderRegistry", chain.eth(chain.registryAddress()));
      return new Money(chain.blockNumber(), eth, owed);
    }
  }

  private static List<Path> filesIn(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  /**
   * Waits (at most 30 s) until no block was mined for 2 s: a job of an earlier test may still be
   * settling, and its transactions must not count against these cases.
   */
  private static void awaitQuietChain(ChainView chain) throws Exception {
    Instant giveUp = Instant.now().plusSeconds(30);
    long block = chain.blockNumber();
    Instant since = Instant.now();
    while (Instant.now().isBefore(giveUp)) {
      Thread.sleep(200);
      long now = chain.blockNumber();
      if (now != block) {
        block = now;
        since = Instant.now();
      } else if (Duration.between(since, Instant.now()).toMillis() >= 2000) {
        return;
      }
    }
    throw new AssertionError("the chain kept mining blocks for 30 s: something is still busy");
  }
}
