package io.hyphae.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContractArtifactTest {

  @Test
  void loadsTheCompiledRegistryFromTheClassPath() {
    ContractArtifact registry = ContractArtifact.load("ProviderRegistry");
    assertThat(registry.abiJson()).contains("\"register\"").contains("\"withdrawUnbonded\"");
    assertThat(registry.bytecodeHex()).matches("[0-9a-f]{200,}");
  }

  @Test
  void unknownContractNamesTheFixForTheUser() {
    assertThatThrownBy(() -> ContractArtifact.load("NoSuchContract"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NoSuchContract.abi")
        .hasMessageContaining("build the contracts module");
  }

  @Test
  void rejectsBytecodeThatIsNotHex() {
    assertThatThrownBy(() -> new ContractArtifact("X", "[]", "0xzz"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
