package io.hyphae.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/** The golden vectors js-libp2p computed (protocol/interop-js/vectors.mjs). */
public final class JsVectors {
  private static final JsonNode ROOT = load();

  private JsVectors() {}

  private static JsonNode load() {
    try (InputStream in = JsVectors.class.getResourceAsStream("/vectors/js-vectors.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode get(String name) {
    return ROOT.get(name);
  }

  public static byte[] hex(JsonNode node, String field) {
    return HexFormat.of().parseHex(node.get(field).asText());
  }
}
