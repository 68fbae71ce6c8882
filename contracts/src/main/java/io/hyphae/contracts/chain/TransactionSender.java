package io.hyphae.contracts.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Signs and sends the transactions of one account and waits for their receipts. One sender per
 * account, so nonces come from one place. web3j polls for receipts every 15 s by default; this
 * polls every few milliseconds, which a local chain answers in time.
 */
public final class TransactionSender {

  private static final Duration RECEIPT_POLL = Duration.ofMillis(5);

  private final ChainConnection chain;
  private final Credentials credentials;
  private final RawTransactionManager manager;
  private final PollingTransactionReceiptProcessor receipts;
  private final ContractErrors errors;
  private final java.util.concurrent.atomic.AtomicLong gasUsed =
      new java.util.concurrent.atomic.AtomicLong();

  public TransactionSender(
      ChainConnection chain, Credentials credentials, Duration receiptTimeout) {
    this(chain, credentials, receiptTimeout, HyphaeErrors.INSTANCE);
  }

  public TransactionSender(
      ChainConnection chain,
      Credentials credentials,
      Duration receiptTimeout,
      ContractErrors errors) {
    this.chain = chain;
    this.credentials = credentials;
    this.errors = errors;
    long attempts = Math.max(1, receiptTimeout.toMillis() / RECEIPT_POLL.toMillis());
    this.receipts =
        new PollingTransactionReceiptProcessor(
            chain.web3j(), RECEIPT_POLL.toMillis(), (int) Math.min(attempts, Integer.MAX_VALUE));
    this.manager = new RawTransactionManager(chain.web3j(), credentials, chain.chainId(), receipts);
  }

  public String address() {
    return credentials.getAddress();
  }

  /** The gas of every successful transaction this sender has mined so far. */
  public long gasUsed() {
    return gasUsed.get();
  }

  /**
   * Deploys a contract: {@code creationCode} is its bytecode followed by its constructor arguments.
   */
  public TransactionReceipt deploy(byte[] creationCode, BigInteger value) {
    return send(null, creationCode, value, "deploying a contract");
  }

  /** Sends a call with {@code data} to {@code to}; returns the mined, successful receipt. */
  public TransactionReceipt call(String to, byte[] data, BigInteger value) {
    return send(to, data, value, "the transaction");
  }

  /**
   * Sends a call with ABI-encoded {@code dataHex}; {@code action} names it in errors ("posting the
   * job").
   *
   * @throws ContractRevertException when the contract rejects it with a known error
   * @throws ChainException for any other failure
   */
  public TransactionReceipt call(String to, String dataHex, BigInteger value, String action) {
    return send(to, Numeric.hexStringToByteArray(dataHex), value, action);
  }

  /** Reads a view function: {@code eth_call} at the latest block, returning the raw result. */
  public String read(String to, String dataHex) {
    try {
      EthCall result =
          chain
              .web3j()
              .ethCall(
                  Transaction.createEthCallTransaction(address(), to, dataHex),
                  DefaultBlockParameterName.LATEST)
              .send();
      if (result.hasError()) {
        throw failure("reading " + to, result.getError());
      }
      return result.getValue();
    } catch (IOException e) {
      throw new ChainException("reading " + to + ": " + e.getMessage(), e);
    }
  }

  private TransactionReceipt send(String to, byte[] data, BigInteger value, String action) {
    String dataHex = Numeric.toHexString(data);
    try {
      BigInteger gasPrice = chain.web3j().ethGasPrice().send().getGasPrice();
      BigInteger gasLimit = estimateGas(to, dataHex, value, action);
      EthSendTransaction sent =
          to == null
              ? manager.sendTransaction(gasPrice, gasLimit, null, dataHex, value, true)
              : manager.sendTransaction(gasPrice, gasLimit, to, dataHex, value, false);
      if (sent.hasError()) {
        throw failure(action, sent.getError());
      }
      TransactionReceipt receipt = receipts.waitForTransactionReceipt(sent.getTransactionHash());
      if (!receipt.isStatusOK()) {
        throw new ChainException(
            action + ": transaction " + receipt.getTransactionHash() + " reverted");
      }
      gasUsed.addAndGet(receipt.getGasUsed().longValueExact());
      return receipt;
    } catch (IOException | TransactionException e) {
      throw new ChainException(action + " failed: " + e.getMessage(), e);
    }
  }

  private BigInteger estimateGas(String to, String dataHex, BigInteger value, String action)
      throws IOException {
    Transaction tx = new Transaction(address(), null, null, null, to, value, dataHex);
    EthEstimateGas estimate = chain.web3j().ethEstimateGas(tx).send();
    if (estimate.hasError()) {
      throw failure(action, estimate.getError());
    }
    // A margin for state that changes between estimate and inclusion.
    return estimate.getAmountUsed().multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
  }

  /** A node's error answer as a typed exception: a decoded contract error when there is one. */
  private ChainException failure(String action, Response.Error error) {
    return errors
        .decode(error.getData())
        .<ChainException>map(decoded -> new ContractRevertException(action, decoded))
        .orElseGet(() -> new ChainException(action + " failed: " + error.getMessage()));
  }

  /** The account's balance at the latest block, in wei. */
  public BigInteger balance() {
    try {
      return chain
          .web3j()
          .ethGetBalance(address(), DefaultBlockParameterName.LATEST)
          .send()
          .getBalance();
    } catch (IOException e) {
      throw new ChainException("reading the balance of " + address() + ": " + e.getMessage(), e);
    }
  }

  /** Hyphae's contract errors, read once from the packaged ABIs. */
  private static final class HyphaeErrors {
    static final ContractErrors INSTANCE = ContractErrors.hyphae();
  }

  public Credentials credentials() {
    return credentials;
  }

  public ChainConnection chain() {
    return chain;
  }
}
