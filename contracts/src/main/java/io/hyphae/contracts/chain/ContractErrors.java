package io.hyphae.contracts.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.ContractArtifact;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Turns revert data into readable errors: the contracts' custom errors (from their ABIs),
 * Solidity's {@code Error(string)} and {@code Panic(uint256)}. Enum arguments are shown by name.
 */
@SuppressWarnings("rawtypes") // web3j's ABI decoder hands out raw Type values
public final class ContractErrors {

  /** A decoded revert: the error's name and its arguments in order. */
  public record DecodedError(String contract, String name, List<Argument> arguments) {
    public DecodedError {
      arguments = List.copyOf(arguments);
    }

    /** Like {@code BidExpired(bid=0, expiry=1700000000)}. */
    public String describe() {
      StringBuilder sb = new StringBuilder(name).append('(');
      for (int i = 0; i < arguments.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        Argument a = arguments.get(i);
        sb.append(a.name().isEmpty() ? "arg" + i : a.name()).append('=').append(a.value());
      }
      return sb.append(')').toString();
    }
  }

  /** One decoded argument, its value rendered as text (numbers in decimal, bytes in hex). */
  public record Argument(String name, String value) {}

  private record Definition(String contract, String name, List<Param> params) {}

  private record Param(String name, String type, String internalType) {}

  private static final String ERROR_STRING_SELECTOR = "0x08c379a0";
  private static final String PANIC_SELECTOR = "0x4e487b71";

  /** Enum members by ABI internal type; the ABI does not list them. Keep in step with Solidity. */
  private static final Map<String, List<String>> ENUMS =
      Map.of(
          "enum JobMarket.Status",
          List.of(
              "None",
              "Assigned",
              "Committed",
              "Challenged",
              "Finalized",
              "Reclaimed",
              "Slashed",
              "LeafDemanded"),
          "enum JobMarket.JobStatus",
          List.of("None", "Open", "Assigned", "Cancelled"),
          "enum JobMarket.Verdict",
          List.of("Void", "Upheld", "Rejected"));

  private final Map<String, Definition> bySelector;

  private ContractErrors(Map<String, Definition> bySelector) {
    this.bySelector = Map.copyOf(bySelector);
  }

  /** The errors of Hyphae's contracts, from the ABIs packaged in this jar. */
  public static ContractErrors hyphae() {
    return of(ContractArtifact.load("JobMarket"), ContractArtifact.load("ProviderRegistry"));
  }

  public static ContractErrors of(ContractArtifact... artifacts) {
    ObjectMapper json = new ObjectMapper();
    Map<String, Definition> map = new HashMap<>();
    for (ContractArtifact artifact : artifacts) {
      JsonNode abi;
      try {
        abi = json.readTree(artifact.abiJson());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("ABI of " + artifact.name() + " is not JSON", e);
      }
      for (JsonNode item : abi) {
        if (!"error".equals(item.path("type").asText())) {
          continue;
        }
        List<Param> params = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (JsonNode input : item.path("inputs")) {
          params.add(
              new Param(
                  input.path("name").asText(),
                  input.path("type").asText(),
                  input.path("internalType").asText()));
          types.add(input.path("type").asText());
        }
        String signature = item.path("name").asText() + "(" + String.join(",", types) + ")";
        String selector = Hash.sha3String(signature).substring(0, 10);
        map.putIfAbsent(
            selector, new Definition(artifact.name(), item.path("name").asText(), params));
      }
    }
    return new ContractErrors(map);
  }

  /**
   * Decodes revert data ({@code 0x} + selector + ABI-encoded arguments).
   *
   * @return empty when the data is empty, malformed or of an unknown error
   */
  public Optional<DecodedError> decode(String revertData) {
    if (revertData == null) {
      return Optional.empty();
    }
    String hex = revertData.strip().replace("\"", "").toLowerCase(Locale.ROOT);
    if (!hex.startsWith("0x") || hex.length() < 10 || !hex.substring(2).matches("[0-9a-f]*")) {
      return Optional.empty();
    }
    String selector = hex.substring(0, 10);
    String args = "0x" + hex.substring(10);
    try {
      if (selector.equals(ERROR_STRING_SELECTOR)) {
        return Optional.of(
            new DecodedError(
                "",
                "Error",
                List.of(new Argument("message", decodeOne(args, "string", "").toString()))));
      }
      if (selector.equals(PANIC_SELECTOR)) {
        return Optional.of(
            new DecodedError(
                "", "Panic", List.of(new Argument("code", decodeOne(args, "uint256", "")))));
      }
      Definition def = bySelector.get(selector);
      if (def == null) {
        return Optional.empty();
      }
      List<TypeReference<Type>> refs = new ArrayList<>();
      for (Param p : def.params()) {
        refs.add(typeReference(p.type()));
      }
      List<Type> values = FunctionReturnDecoder.decode(args, refs);
      if (values.size() != def.params().size()) {
        return Optional.empty();
      }
      List<Argument> out = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        Param p = def.params().get(i);
        out.add(new Argument(p.name(), render(values.get(i), p.internalType())));
      }
      return Optional.of(new DecodedError(def.contract(), def.name(), out));
    } catch (ClassNotFoundException | RuntimeException malformed) {
      return Optional.empty();
    }
  }

  private static String decodeOne(String args, String type, String internalType)
      throws ClassNotFoundException {
    List<Type> values = FunctionReturnDecoder.decode(args, List.of(typeReference(type)));
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no value");
    }
    return render(values.get(0), internalType);
  }

  @SuppressWarnings("unchecked") // web3j builds ABI type references from strings, untyped
  private static TypeReference<Type> typeReference(String solidityType)
      throws ClassNotFoundException {
    return (TypeReference<Type>) TypeReference.makeTypeReference(solidityType);
  }

  private static String render(Type value, String internalType) {
    Object v = value.getValue();
    if (v instanceof BigInteger number) {
      List<String> members = ENUMS.get(internalType);
      if (members != null && number.signum() >= 0 && number.intValue() < members.size()) {
        return members.get(number.intValue());
      }
      return number.toString();
    }
    if (v instanceof byte[] bytes) {
      return Numeric.toHexString(bytes);
    }
    return String.valueOf(v);
  }
}
