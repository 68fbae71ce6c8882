package io.hyphae.devnet.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.config.DevnetInfo;
import io.hyphae.contracts.generated.ProviderRegistry;
import io.hyphae.contracts.market.MarketEvent;
import io.hyphae.devnet.demo.DemoInput;
import io.hyphae.devnet.local.DevnetUp;
import io.hyphae.devnet.testing.AcceptanceDevnet;
import io.hyphae.devnet.testing.ChainView;
import io.hyphae.devnet.testing.LocalInference;
import io.hyphae.devnet.testing.SharedDevnet;
import io.hyphae.devnet.testing.WalletProcess;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The happy path, settled: {@code job submit} without {@code --no-wait} over three honest
 * providers. The results equal local inference, every provider is paid its price, the unused escrow
 * comes back, and every wei is accounted for: the requester lost exactly its gas and the payments,
 * and those payments are the providers' new earnings.
 */
@ExtendWith(SharedDevnet.class)
@Order(Order.DEFAULT + 6)
class HappyPathIT {

  private static final int ROWS = 300;
  private static final int SHARDS = 3;
  private static final BigInteger MAX_PRICE = BigInteger.TEN.pow(13);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSettledJobPaysTheProvidersRefundsTheRestAndEveryWeiIsAccountedFor(AcceptanceDevnet devnet)
      throws Exception {
    devnet.ensureAllRunning();
    Path work = devnet.scratch("happy-path");
    Path input = DemoInput.write(work.resolve("input.jsonl"), ROWS);
    Path output = work.resolve("output.jsonl");
    String requester = devnet.requesterAddress();
    DevnetInfo info = devnet.info();

    try (ChainView chain = devnet.chain()) {
      long startBlock = chain.blockNumber();
      BigInteger requesterBefore = chain.eth(requester);
      BigInteger contractsBefore =
          chain.eth(chain.marketAddress()).add(chain.eth(chain.registryAddress()));
      Map<String, ProviderRegistry.Provider> before = new HashMap<>();
      for (DevnetInfo.Provider p : info.providers()) {
        before.put(p.address().toLowerCase(Locale.ROOT), chain.provider(p.address()));
      }

      WalletProcess.Result run;
      try (WalletProcess wallet =
          WalletProcess.start(
              devnet.root(),
              work.resolve("jobs"),
              devnet.jobSubmit(input, SHARDS, MAX_PRICE, "--out", output.toString()))) {
        run = wallet.awaitExit(Duration.ofSeconds(180));
      }
      assertThat(run.exitCode()).as("%s%n%s", run, devnet.logTails()).isZero();
      JsonNode report = JSON.readTree(run.stdout());
      assertThat(report.path("state").asText()).as(report.toString()).isEqualTo("FINALIZED");
      assertThat(report.path("verification").asText()).isEqualTo("passed");
      assertThat(report.path("assignments")).hasSize(SHARDS);
      report
          .path("assignments")
          .forEach(a -> assertThat(a.path("status").asText()).isEqualTo("Finalized"));
      BigInteger jobId = new BigInteger(report.path("jobId").asText());

      // Every provider was paid its price for its shards.
      Map<String, BigInteger> paid = new HashMap<>();
      for (MarketEvent e : chain.events(jobId)) {
        if (e instanceof MarketEvent.AssignmentFinalized f) {
          paid.merge(f.provider().toLowerCase(Locale.ROOT), f.payment(), BigInteger::add);
        }
      }
      assertThat(paid).as("one payment per provider").hasSize(SHARDS);
      BigInteger paidTotal = paid.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
      assertThat(paidTotal)
          .as("paid what the wallet reports")
          .isEqualTo(new BigInteger(report.path("pricePaid").asText()))
          .isLessThan(MAX_PRICE.multiply(BigInteger.valueOf(SHARDS)));
      for (DevnetInfo.Provider p : info.providers()) {
        String key = p.address().toLowerCase(Locale.ROOT);
        ProviderRegistry.Provider after = chain.provider(p.address());
        ProviderRegistry.Provider was = before.get(key);
        assertThat(paid.get(key))
            .as("%s paid its asking price for its one shard", p.name())
            .isEqualTo(DevnetUp.DEFAULT_PRICE_WEI)
            .isEqualTo(priceOf(report, p.address()));
        assertThat(after.earnings)
            .as("%s earned", p.name())
            .isEqualTo(was.earnings.add(paid.get(key)));
        assertThat(after.stake).as("%s not slashed", p.name()).isEqualTo(was.stake);
        assertThat(after.locked).as("%s has nothing left locked", p.name()).isEqualTo(was.locked);
      }

      // The requester lost its gas and the payments, nothing else: the rest of the escrow came
      // back and nothing is left in the market for it.
      BigInteger gas = chain.gasPaid(requester, startBlock, chain.blockNumber());
      BigInteger requesterAfter = chain.eth(requester);
      assertThat(requesterAfter.subtract(requesterBefore))
          .as("requester's balance change = - gas - payments")
          .isEqualTo(gas.negate().subtract(paidTotal));
      assertThat(chain.withdrawable(requester)).as("the unused escrow was paid out").isZero();
      BigInteger contractsAfter =
          chain.eth(chain.marketAddress()).add(chain.eth(chain.registryAddress()));
      assertThat(contractsAfter.subtract(contractsBefore))
          .as("the payments sit in the registry as the providers' earnings")
          .isEqualTo(paidTotal);

      // The results are local inference's.
      List<String> rows = Files.readAllLines(input);
      List<String> results = Files.readAllLines(output);
      assertThat(results).hasSize(ROWS);
      LocalInference.assertSameAsLocalInference(rows, results, List.of(0, 99, 100, 199, 200, 299));
    }
  }

  /** The price of a provider's assignment as {@code job submit} reports it (price x shards). */
  private static BigInteger priceOf(JsonNode report, String provider) {
    BigInteger total = BigInteger.ZERO;
    for (JsonNode a : report.path("assignments")) {
      if (a.path("provider").asText().equalsIgnoreCase(provider)) {
        total = total.add(new BigInteger(a.path("price").asText()));
      }
    }
    return total;
  }
}
