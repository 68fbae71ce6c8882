package io.hyphae.node.job;

import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.protocol.commitment.Bytes32;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What this node serves: the models of its {@code models} config (by content hash, with their
 * names) and the execution profiles its engine runs on this machine.
 */
public record Capabilities(Map<Bytes32, String> models, List<ExecutionProfile> profiles) {

  public Capabilities {
    models = Map.copyOf(models);
    profiles = List.copyOf(profiles);
  }

  public boolean serves(Bytes32 model) {
    return models.containsKey(model);
  }

  public Optional<ExecutionProfile> profile(Bytes32 hash) {
    return profiles.stream().filter(p -> p.hash().equals(hash)).findFirst();
  }

  public Set<Bytes32> modelHashes() {
    return models.keySet();
  }

  /** The market's hash type as the commitment one. */
  public static Bytes32 of(io.hyphae.contracts.market.Bytes32 hash) {
    return Bytes32.wrap(hash.toArray());
  }

  /** The commitment hash type as the market one. */
  public static io.hyphae.contracts.market.Bytes32 toMarket(Bytes32 hash) {
    return io.hyphae.contracts.market.Bytes32.of(hash.toArray());
  }
}
