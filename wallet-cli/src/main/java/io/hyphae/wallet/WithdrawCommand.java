package io.hyphae.wallet;

import io.hyphae.wallet.job.Amounts;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hyphae withdraw}: pays out what the market owes the account. */
@Command(
    name = "withdraw",
    mixinStandardHelpOptions = true,
    description =
        "Pays out everything the market owes the account (refunds, returned escrow, provider"
            + " earnings, bonds) and prints the amount.")
final class WithdrawCommand implements Callable<Integer> {

  @Mixin AccountOptions account;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    WalletContext context = AccountCommand.context(spec);
    try (WalletChain chain = WalletChain.open(context, account, true)) {
      BigInteger owed = chain.market.withdrawable(chain.address());
      BigInteger paid = owed.signum() > 0 ? chain.market.withdraw() : BigInteger.ZERO;
      if (context.json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", chain.address());
        json.put("wei", paid.toString());
        json.put("eth", Amounts.eth(paid));
        context.printJson(json);
      } else {
        context
            .out()
            .println(
                paid.signum() == 0
                    ? "nothing to withdraw for " + chain.address()
                    : "withdrew "
                        + Amounts.eth(paid)
                        + " ETH ("
                        + paid
                        + " wei) to "
                        + chain.address());
        context.out().flush();
      }
      return 0;
    }
  }
}
