package io.hyphae.contracts.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;

class ContractErrorsTest {

  private final ContractErrors errors = ContractErrors.hyphae();

  private static String revert(String signature, org.web3j.abi.datatypes.Type<?>... args) {
    return Hash.sha3String(signature).substring(0, 10)
        + FunctionEncoder.encodeConstructor(List.of(args));
  }

  @Test
  void decodesACustomErrorWithItsArgumentNames() {
    String data = revert("BidExpired(uint256,uint64)", new Uint256(0), new Uint64(1_700_000_000L));
    assertThat(errors.decode(data).orElseThrow().describe())
        .isEqualTo("BidExpired(bid=0, expiry=1700000000)");
  }

  @Test
  void showsEnumArgumentsByName() {
    String data = revert("WrongStatus(uint8,uint8)", new Uint8(4), new Uint8(2));
    ContractErrors.DecodedError error = errors.decode(data).orElseThrow();
    assertThat(error.contract()).isEqualTo("JobMarket");
    assertThat(error.describe()).isEqualTo("WrongStatus(actual=Finalized, expected=Committed)");
  }

  @Test
  void decodesRegistryErrors() {
    String provider = "0x00000000000000000000000000000000000000a1";
    String data =
        revert(
            "InsufficientFreeStake(address,uint256,uint256)",
            new Address(provider),
            new Uint256(BigInteger.TWO),
            new Uint256(BigInteger.ONE));
    assertThat(errors.decode(data).orElseThrow().describe())
        .isEqualTo("InsufficientFreeStake(provider=" + provider + ", requested=2, free=1)");
  }

  @Test
  void decodesErrorStringAndPanic() {
    assertThat(errors.decode(revert("Error(string)", new Utf8String("boom"))).orElseThrow())
        .extracting(ContractErrors.DecodedError::describe)
        .isEqualTo("Error(message=boom)");
    assertThat(errors.decode(revert("Panic(uint256)", new Uint256(0x11))).orElseThrow().describe())
        .isEqualTo("Panic(code=17)");
  }

  @Test
  void unknownOrMalformedDataDecodesToNothing() {
    assertThat(errors.decode(null)).isEmpty();
    assertThat(errors.decode("")).isEmpty();
    assertThat(errors.decode("0x")).isEmpty();
    assertThat(errors.decode("0xdeadbeef")).isEmpty();
    assertThat(errors.decode("not hex at all")).isEmpty();
    // A known selector with truncated arguments.
    String truncated = revert("BidExpired(uint256,uint64)", new Uint256(0), new Uint64(1));
    assertThat(errors.decode(truncated.substring(0, 20))).isEmpty();
  }

  @Test
  void acceptsQuotedDataAsSomeNodesSendIt() {
    String data = revert("NoBids()");
    assertThat(errors.decode("\"" + data + "\"").orElseThrow().name()).isEqualTo("NoBids");
  }
}
