package io.hyphae.devnet.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.generated.ProviderRegistry;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.devnet.demo.DemoInput;
import io.hyphae.devnet.testing.AcceptanceDevnet;
import io.hyphae.devnet.testing.ChainView;
import io.hyphae.devnet.testing.DevnetCli;
import io.hyphae.devnet.testing.SharedDevnet;
import io.hyphae.devnet.testing.WalletProcess;
import io.hyphae.wallet.job.Amounts;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider killed mid-job (SIGKILL, as a crash) on a 3-provider devnet: the requester's wallet
 * reclaims its assignment after the commit deadline, the provider's collateral is slashed, the
 * other providers are paid, and the requester gets back everything it did not pay for, plus the
 * collateral. The wallet exits 1 naming the lost shards and the refund, and writes no output.
 */
@ExtendWith(SharedDevnet.class)
@Order(Order.DEFAULT + 3)
class ProviderKilledIT {

  private static final int ROWS = 1500;
  private static final int SHARDS = 3;

  /** The nodes bid only when the commit deadline is at least 60 s away (docs/node.md). */
  private static final int COMMIT_DEADLINE_S = 66;

  private static final BigInteger MAX_PRICE = BigInteger.TEN.pow(13);

  @Test
  void aKilledProviderIsReclaimedAndSlashedAndTheRequesterIsMadeWhole(AcceptanceDevnet devnet)
      throws Exception {
    devnet.ensureAllRunning();
    Path work = devnet.scratch("provider-killed");
    Path input = DemoInput.write(work.resolve("input.jsonl"), ROWS);
    Path output = work.resolve("output.jsonl");
    String requester = devnet.requesterAddress();
    DevnetInfo info = devnet.info();
    DevnetInfo.Provider victim;

    try (ChainView chain = devnet.chain()) {
      long startBlock = chain.blockNumber();
      BigInteger requesterBefore = chain.eth(requester);
      BigInteger contractsBefore =
          chain.eth(chain.marketAddress()).add(chain.eth(chain.registryAddress()));
      Map<String, ProviderRegistry.Provider> recordsBefore = new HashMap<>();
      for (DevnetInfo.Provider p : info.providers()) {
        recordsBefore.put(p.address().toLowerCase(Locale.ROOT), chain.provider(p.address()));
      }

      BigInteger jobId;
      WalletProcess.Result run;
      try (WalletProcess wallet =
          WalletProcess.start(
              devnet.root(),
              work.resolve("jobs"),
              devnet.jobSubmit(
                  input,
                  SHARDS,
                  MAX_PRICE,
                  "--commit-deadline",
                  Integer.toString(COMMIT_DEADLINE_S),
                  "--out",
                  output.toString()))) {
        jobId =
            new BigInteger(
                wallet
                    .awaitStderr(l -> l.startsWith("posted job "), Duration.ofSeconds(90))
                    .split(" ")[2]
                    .replace(":", ""));
        String assigned =
            wallet.awaitStderr(l -> l.startsWith("assigned shard"), Duration.ofSeconds(60));
        victim = devnet.provider(assigned.split(" to ")[1].split(" ")[0]);

        // The crash: SIGKILL by pid, the node gets no chance to stop cleanly.
        ProcessHandle node = devnet.process(victim).orElseThrow();
        node.destroyForcibly();
        node.onExit().get(10, TimeUnit.SECONDS);
        assertThat(chain.committed(jobId, victim.address()))
            .as("%s committed before the test could kill it: give it more rows", victim.name())
            .isFalse();

        run = wallet.awaitExit(Duration.ofSeconds(COMMIT_DEADLINE_S + 120));
      }

      // The wallet says what was lost and that the money came back; no output is written.
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      String lost = victimRange(chain.events(jobId), victim);
      assertThat(run.stderr())
          .as(run.toString())
          .contains(
              "provider "
                  + victim.address().toLowerCase(Locale.ROOT)
                  + " did not commit "
                  + lost
                  + " before its deadline")
          .contains("reclaimed, ")
          .contains(" ETH credited back")
          .contains("error: job " + jobId + " is incomplete")
          .contains("(no output written; ")
          .contains(" ETH paid back to " + requester);
      assertThat(output).as("no output for an incomplete job").doesNotExist();
      try (Stream<Path> left = Files.list(work)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("nothing half-written next to the output")
            .containsExactlyInAnyOrder("input.jsonl", "jobs");
      }

      // The chain: the victim's assignment reclaimed, the others finalized (paid).
      List<MarketEvent> events = chain.events(jobId);
      Map<String, BigInteger> paid = new HashMap<>();
      BigInteger collateral = null;
      BigInteger reclaimedPayment = null;
      for (MarketEvent e : events) {
        if (e instanceof MarketEvent.AssignmentFinalized f) {
          paid.merge(f.provider().toLowerCase(Locale.ROOT), f.payment(), BigInteger::add);
        } else if (e instanceof MarketEvent.AssignmentReclaimed r) {
          assertThat(r.provider()).isEqualToIgnoringCase(victim.address());
          collateral = r.slashed();
          reclaimedPayment = r.refund();
        }
      }
      assertThat(collateral).as("reclaimed: %s", events).isNotNull().isPositive();
      assertThat(reclaimedPayment).isPositive();
      assertThat(paid).as("the other two providers were paid").hasSize(SHARDS - 1);
      assertThat(paid).doesNotContainKey(victim.address().toLowerCase(Locale.ROOT));
      BigInteger paidTotal = paid.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
      BigInteger escrow = MAX_PRICE.multiply(BigInteger.valueOf(SHARDS));
      assertThat(run.stderr())
          .as("the amount the wallet says it paid back")
          .contains(
              "(no output written; "
                  + Amounts.eth(escrow.subtract(paidTotal).add(collateral))
                  + " ETH paid back to "
                  + requester);

      // The requester: lost only gas and what the finished providers earned, and got the
      // collateral as compensation; nothing is left in the market for it.
      long endBlock = chain.blockNumber();
      BigInteger gas = chain.gasPaid(requester, startBlock, endBlock);
      BigInteger requesterAfter = chain.eth(requester);
      assertThat(requesterAfter.subtract(requesterBefore))
          .as("requester's balance change = - gas - payments + the victim's collateral")
          .isEqualTo(gas.negate().subtract(paidTotal).add(collateral));
      assertThat(chain.withdrawable(requester)).as("refunds all paid out").isZero();
      BigInteger contractsAfter =
          chain.eth(chain.marketAddress()).add(chain.eth(chain.registryAddress()));
      assertThat(requesterAfter.add(contractsAfter))
          .as("no wei lost between the requester and the contracts but gas")
          .isEqualTo(requesterBefore.add(contractsBefore).subtract(gas));

      // The victim's stake went down by its collateral; the others earned their payment.
      for (DevnetInfo.Provider p : info.providers()) {
        String key = p.address().toLowerCase(Locale.ROOT);
        ProviderRegistry.Provider before = recordsBefore.get(key);
        ProviderRegistry.Provider after = chain.provider(p.address());
        if (p.name().equals(victim.name())) {
          assertThat(after.stake).as("slashed").isEqualTo(before.stake.subtract(collateral));
          assertThat(after.timesSlashed).isEqualTo(before.timesSlashed.add(BigInteger.ONE));
          assertThat(after.locked).as("nothing left locked").isEqualTo(before.locked);
          assertThat(after.earnings).isEqualTo(before.earnings);
        } else {
          assertThat(after.stake).as("%s not slashed", p.name()).isEqualTo(before.stake);
          assertThat(after.earnings)
              .as("%s paid", p.name())
              .isEqualTo(before.earnings.add(paid.get(key)));
        }
      }
    }

    // devnet status tells the dead node apart; provider start brings it back, healthy, and it
    // learns from the chain that its assignment was reclaimed.
    JsonNode status = devnet.status();
    JsonNode dead = AcceptanceDevnet.providerStatus(status, victim.name());
    assertThat(dead.path("state").asText()).isEqualTo("exited");
    assertThat(status.path("healthy").asBoolean()).isFalse();

    DevnetCli.Run start =
        DevnetCli.run(
            "provider", "start", victim.name(), "--dir", devnet.layout().dir().toString());
    assertThat(start.code()).as(start.toString()).isZero();
    assertThat(start.out()).contains(victim.name() + " healthy");
    DevnetCli.Run twice =
        DevnetCli.run(
            "provider", "start", victim.name(), "--dir", devnet.layout().dir().toString());
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err()).contains(victim.name() + " is already running");
    JsonNode again = devnet.status();
    assertThat(AcceptanceDevnet.providerStatus(again, victim.name()).path("state").asText())
        .isEqualTo("running");
    assertThat(again.path("healthy").asBoolean()).as(again.toString()).isTrue();
    DevnetInfo.Provider restarted = devnet.provider(victim.address());
    assertThat(restarted.pid()).isNotEqualTo(victim.pid());
    assertThat(restarted.adminUrl()).isEqualTo(victim.adminUrl());
    assertThat(restarted.multiaddr()).isEqualTo(victim.multiaddr());
    awaitNodeJobs(restarted, "RECLAIMED", 1, devnet);
  }

  /** The shard range assigned to the provider, as the wallet names it ("shard 1", "shards 0-1"). */
  private static String victimRange(List<MarketEvent> events, DevnetInfo.Provider provider) {
    for (MarketEvent e : events) {
      if (e instanceof MarketEvent.AssignmentCreated c
          && c.assignment().provider().equalsIgnoreCase(provider.address())) {
        Assignment a = c.assignment();
        return a.shardCount() == 1
            ? "shard " + a.firstShard()
            : "shards " + a.firstShard() + "-" + (a.firstShard() + a.shardCount() - 1);
      }
    }
    throw new AssertionError("no assignment for " + provider.name() + " in " + events);
  }

  /** Waits (at most 30 s) until the node's /status counts {@code count} jobs in {@code state}. */
  static void awaitNodeJobs(
      DevnetInfo.Provider provider, String state, long count, AcceptanceDevnet devnet)
      throws Exception {
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
    JsonNode last = null;
    while (java.time.Instant.now().isBefore(deadline)) {
      last = NodeAdmin.status(provider);
      if (last != null && last.path("jobs").path(state).asLong() >= count) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        provider.name()
            + " did not count "
            + count
            + " "
            + state
            + " job(s) within 30 s; /status: "
            + last
            + "\n"
            + devnet.logTails());
  }
}
