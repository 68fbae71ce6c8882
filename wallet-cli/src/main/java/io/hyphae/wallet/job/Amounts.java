package io.hyphae.wallet.job;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * Amounts as people type and read them: a plain integer is wei, a number with an {@code eth} suffix
 * is ether ({@code 1.5eth}, {@code 0.01 eth}); printed as ETH without trailing zeros.
 */
public final class Amounts {

  private static final BigDecimal WEI_PER_ETH = new BigDecimal(BigInteger.TEN.pow(18));

  private Amounts() {}

  /**
   * Parses an amount.
   *
   * @throws IllegalArgumentException naming the text when it is not an amount
   */
  public static BigInteger parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      BigInteger wei;
      if (t.endsWith("eth")) {
        BigDecimal eth = new BigDecimal(t.substring(0, t.length() - 3).trim());
        BigDecimal w = eth.multiply(WEI_PER_ETH);
        if (w.stripTrailingZeros().scale() > 0) {
          throw new IllegalArgumentException("not a whole number of wei: " + text);
        }
        wei = w.toBigIntegerExact();
      } else if (t.endsWith("wei")) {
        wei = new BigInteger(t.substring(0, t.length() - 3).trim());
      } else {
        wei = new BigInteger(t);
      }
      if (wei.signum() < 0) {
        throw new IllegalArgumentException("amount must not be negative: " + text);
      }
      return wei;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "not an amount: " + text + " (wei as an integer, or ether with an eth suffix: 0.5eth)");
    }
  }

  /** Wei as ETH, plain, without trailing zeros. */
  public static String eth(BigInteger wei) {
    BigDecimal eth = new BigDecimal(wei).divide(WEI_PER_ETH).stripTrailingZeros();
    return eth.signum() == 0 ? "0" : eth.toPlainString();
  }
}
