package io.hyphae.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyphae node models}: the models this node holds, with their hashes, and the profiles. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Lists the built-in models (and --dir models) with their content hashes.")
public final class ModelsCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "A user model directory to add (repeatable).")
  List<Path> dirs = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ModelRegistry registry = new ModelRegistry();
    List<Model> models = new ArrayList<>();
    for (String name : ModelRegistry.builtInNames()) {
      models.add(registry.loadBuiltIn(name));
    }
    for (Path dir : dirs) {
      models.add(registry.loadDirectory(dir));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      ArrayNode list = root.putArray("models");
      for (Model m : models) {
        ObjectNode node = list.addObject();
        node.put("name", m.name());
        node.put("hash", m.id().toHex());
        node.put("task", m.manifest().task().name().toLowerCase(Locale.ROOT));
        node.put("source", m.source());
        if (m.manifest().tokenizerFile().isPresent()) {
          node.put("pooling", m.manifest().pooling().name().toLowerCase(Locale.ROOT));
          node.put("maxTokens", m.manifest().maxTokens());
        }
      }
      ArrayNode profiles = root.putArray("profiles");
      for (ExecutionProfile p : ExecutionProfile.KNOWN) {
        profiles
            .addObject()
            .put("name", p.name())
            .put("hash", p.hash().toHex())
            .put("descriptor", p.descriptor());
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      out.printf("%-22s %-6s %-66s %s%n", "model", "task", "hash", "source");
      for (Model m : models) {
        out.printf(
            "%-22s %-6s %-66s %s%n",
            m.name(),
            m.manifest().task().name().toLowerCase(Locale.ROOT),
            m.id().toHex(),
            m.source());
      }
      out.println();
      out.printf("%-22s %s%n", "profile", "hash");
      for (ExecutionProfile p : ExecutionProfile.KNOWN) {
        out.printf("%-22s %s%n", p.name(), p.hash().toHex());
      }
    }
    out.flush();
    return 0;
  }
}
