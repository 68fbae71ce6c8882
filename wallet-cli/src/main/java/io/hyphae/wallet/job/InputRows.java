package io.hyphae.wallet.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.protocol.commitment.ShardCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's input file: JSONL, one row per non-empty line, each a JSON string or an object with a
 * string field {@code "text"}. Errors name the line (counted from 1).
 */
public final class InputRows {

  /** The most rows one job takes (a shard holds at most {@link ShardCodec#MAX_ROWS}). */
  public static final int MAX_ROWS = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private InputRows() {}

  /**
   * Reads the rows of {@code file}.
   *
   * @throws InputFileException when the file is missing, empty or has a malformed line
   */
  public static List<String> read(Path file) {
    List<String> rows = new ArrayList<>();
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader in =
        new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        if (rows.size() == MAX_ROWS) {
          throw new InputFileException(
              file + ": more than " + MAX_ROWS + " rows; split the job into several");
        }
        rows.add(parseLine(file, number, line));
      }
    } catch (NoSuchFileException e) {
      throw new InputFileException("no input file at " + file, e);
    } catch (CharacterCodingException e) {
      throw new InputFileException(file + " is not valid UTF-8", e);
    } catch (IOException e) {
      throw new InputFileException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new InputFileException(file + " has no rows (one JSON string per line expected)");
    }
    return List.copyOf(rows);
  }

  static String parseLine(Path file, int number, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InputFileException(
          file + " line " + number + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    String text;
    if (node.isTextual()) {
      text = node.asText();
    } else if (node.isObject() && node.has("text")) {
      JsonNode t = node.get("text");
      if (!t.isTextual()) {
        throw new InputFileException(
            file + " line " + number + ": \"text\" must be a string, got " + t.getNodeType());
      }
      text = t.asText();
    } else {
      throw new InputFileException(
          file
              + " line "
              + number
              + ": expected a JSON string or an object with a string field \"text\"");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > ShardCodec.MAX_TEXT_BYTES) {
      throw new InputFileException(
          file + " line " + number + ": text longer than " + ShardCodec.MAX_TEXT_BYTES + " bytes");
    }
    if (!isValidUnicode(text)) {
      throw new InputFileException(file + " line " + number + ": text has unpaired surrogates");
    }
    return text;
  }

  private static boolean isValidUnicode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
