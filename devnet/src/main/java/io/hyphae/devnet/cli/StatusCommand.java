package io.hyphae.devnet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hyphae.devnet.local.DevnetStatus;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code devnet status}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the devnet: anvil (process, reachable, block number) and each provider (process,"
          + " /healthz, address, peer id, stake and withdrawable balance from the chain).",
      "Exit 0 when the chain answers and every provider not stopped with 'devnet provider stop'"
          + " is running and healthy, 1 otherwise (also when no devnet runs)."
    })
public final class StatusCommand implements Callable<Integer> {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @CommandLine.Mixin DirOption dir;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Machine-readable JSON output for scripts.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    DevnetStatus.Report report = DevnetStatus.read(dir.layout());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JSON.writeValueAsString(report));
    } else {
      print(report, out);
    }
    out.flush();
    return report.healthy() ? 0 : 1;
  }

  private static void print(DevnetStatus.Report report, PrintWriter out) {
    if (!report.running()) {
      out.println("No devnet running in " + report.dir() + " (start one with ./hyphae devnet up)");
      return;
    }
    DevnetStatus.Chain chain = report.chain();
    out.printf("Devnet in %s: %s%n", report.dir(), report.healthy() ? "healthy" : "NOT healthy");
    out.printf(
        "  anvil    pid %d %s, %s%n",
        chain.pid(),
        chain.processAlive() ? "running" : "NOT running",
        chain.reachable()
            ? chain.rpcUrl() + " chain " + chain.chainId() + " at block " + chain.blockNumber()
            : chain.rpcUrl() + " unreachable: " + chain.error());
    out.printf("  contracts ProviderRegistry %s, JobMarket %s%n", chain.registry(), chain.market());
    if (chain.rules() != null) {
      out.printf("  market rules: %s%n", chain.rules().describe());
    }
    for (DevnetStatus.Provider p : report.providers()) {
      out.printf(
          "  %-10s pid %d %s, health %s, admin %s%n",
          p.name(),
          p.pid(),
          switch (p.state()) {
            case DevnetStatus.RUNNING -> "running";
            case DevnetStatus.STOPPED -> "stopped (devnet provider start " + index(p.name()) + ")";
            default -> "NOT running (exited)";
          },
          p.health(),
          p.adminUrl());
      out.printf("             address %s, peer %s%n", p.address(), p.peerId());
      out.printf(
          "             %s, stake %s ETH (free %s), withdrawable %s ETH%n",
          p.registered() ? "registered" : "NOT registered",
          eth(p.stakeWei()),
          eth(p.freeStakeWei()),
          eth(p.withdrawableWei()));
    }
  }

  private static String index(String providerName) {
    return providerName.substring(providerName.lastIndexOf('-') + 1);
  }

  static String eth(String wei) {
    if (wei == null) {
      return "?";
    }
    return new BigDecimal(new BigInteger(wei))
        .movePointLeft(18)
        .stripTrailingZeros()
        .toPlainString();
  }
}
