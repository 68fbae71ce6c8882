package io.hyphae.contracts.chain;

import io.hyphae.contracts.ContractArtifact;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/** Deploys compiled contracts. */
public final class ContractDeployer {

  private final TransactionSender sender;

  public ContractDeployer(TransactionSender sender) {
    this.sender = sender;
  }

  /** A deployed contract: its address and the receipt of its creation. */
  public record Deployed(String name, String address, TransactionReceipt receipt) {}

  @SuppressWarnings("rawtypes") // web3j's encoder takes raw ABI types
  public Deployed deploy(ContractArtifact artifact, List<Type> constructorArgs) {
    String encodedArgs = FunctionEncoder.encodeConstructor(constructorArgs);
    byte[] creationCode = Numeric.hexStringToByteArray(artifact.bytecodeHex() + encodedArgs);
    TransactionReceipt receipt = sender.deploy(creationCode, BigInteger.ZERO);
    String address = receipt.getContractAddress();
    if (address == null) {
      throw new ChainException(
          "deploying " + artifact.name() + ": receipt has no contract address");
    }
    return new Deployed(artifact.name(), address, receipt);
  }
}
