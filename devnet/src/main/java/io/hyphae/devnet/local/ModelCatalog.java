package io.hyphae.devnet.local;

import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.model.ModelException;
import io.hyphae.node.model.ModelRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names and content hashes the devnet publishes in devnet.json: the node's built-in models
 * ({@link ModelRegistry}, hashed by {@code ModelHash}) and its execution profiles. Each model is
 * listed under its name and, for typing convenience, its lower-case name.
 */
public final class ModelCatalog {

  private ModelCatalog() {}

  /**
   * The built-in model names that {@code requested} names, matched without regard to case.
   *
   * @throws IllegalArgumentException naming the unknown model and the known ones
   */
  public static List<String> resolveNames(List<String> requested) {
    List<String> names = new ArrayList<>();
    for (String want : requested) {
      String name =
          ModelRegistry.builtInNames().stream()
              .filter(known -> known.equalsIgnoreCase(want.strip()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown model '"
                              + want
                              + "': the devnet serves the built-in models "
                              + ModelRegistry.builtInNames()));
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("name at least one model");
    }
    return names;
  }

  /**
   * Model hashes by name (each model also under its lower-case name) for {@code names}.
   *
   * @throws DevnetException when a model cannot be read from the class path
   */
  public static Map<String, String> modelHashes(List<String> names) {
    ModelRegistry registry = new ModelRegistry();
    Map<String, String> hashes = new LinkedHashMap<>();
    for (String name : names) {
      String hash;
      try {
        hash = registry.loadBuiltIn(name).id().toHex();
      } catch (ModelException e) {
        throw new DevnetException("cannot hash model " + name + ": " + e.getMessage(), e);
      }
      hashes.put(name, hash);
      hashes.put(name.toLowerCase(Locale.ROOT), hash);
    }
    return hashes;
  }

  /** Every known execution profile's hash by name. */
  public static Map<String, String> profileHashes() {
    Map<String, String> hashes = new LinkedHashMap<>();
    for (ExecutionProfile profile : ExecutionProfile.KNOWN) {
      hashes.put(profile.name(), profile.hash().toHex());
    }
    return hashes;
  }
}
