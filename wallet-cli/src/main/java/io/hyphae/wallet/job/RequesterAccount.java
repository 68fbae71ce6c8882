package io.hyphae.wallet.job;

import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.market.Market;
import java.math.BigInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The requester's account on one chain, as the job flow needs it.
 *
 * @param gasUsed gas of the transactions this account has mined in this run
 * @param balance the account's balance now, in wei
 * @param gasPrice the chain's gas price now, in wei
 */
public record RequesterAccount(
    Market market,
    Eip712 eip712,
    long chainId,
    String marketAddress,
    LongSupplier gasUsed,
    Supplier<BigInteger> balance,
    Supplier<BigInteger> gasPrice) {}
