package io.hyphae.devnet.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.contracts.keys.KeystoreFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's input: distinct English sentences of varied length, made from small word lists with a
 * fixed seed (the same rows every run), written as JSONL rows {@code {"text": "..."}}.
 */
public final class DemoInput {

  private static final List<String> SUBJECTS =
      List.of(
          "The old lighthouse keeper",
          "A curious child",
          "Our research team",
          "The night-shift nurse",
          "A stray cat",
          "The city council",
          "My neighbour's dog",
          "The orchestra",
          "A tired commuter",
          "The new intern",
          "An enthusiastic gardener",
          "The mountain guide");
  private static final List<String> VERBS =
      List.of(
          "quietly repaired",
          "carefully measured",
          "happily painted",
          "slowly translated",
          "suddenly discovered",
          "proudly presented",
          "accidentally broke",
          "patiently explained",
          "eagerly tested",
          "bravely questioned",
          "politely declined",
          "secretly rebuilt");
  private static final List<String> OBJECTS =
      List.of(
          "the broken weather station",
          "a map of forgotten railways",
          "the quarterly budget report",
          "an unusual recipe for bread",
          "the small wooden boat",
          "a theory about migrating birds",
          "the school's solar panels",
          "a letter written in 1923",
          "the library's oldest telescope",
          "a neural network for translation",
          "the flooded basement",
          "a song about the harbour");
  private static final List<String> ENDINGS =
      List.of(
          "before sunrise.",
          "during the storm.",
          "while everyone else was asleep.",
          "for the village festival.",
          "with help from a retired engineer.",
          "after three failed attempts.",
          "in front of a surprised audience.",
          "without reading the instructions.",
          "because nobody else would.",
          "and then went home for tea.");

  private static final long SEED = 7;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoInput() {}

  /** {@code rows} distinct sentences (at most 17,280), always the same for the same count. */
  public static List<String> sentences(int rows) {
    int combinations = SUBJECTS.size() * VERBS.size() * OBJECTS.size() * ENDINGS.size();
    if (rows < 1 || rows > combinations) {
      throw new IllegalArgumentException("rows must be 1.." + combinations + ", got " + rows);
    }
    List<Integer> picks = new ArrayList<>(combinations);
    for (int i = 0; i < combinations; i++) {
      picks.add(i);
    }
    Collections.shuffle(picks, new Random(SEED));
    List<String> out = new ArrayList<>(rows);
    for (int pick : picks.subList(0, rows)) {
      int s = pick % SUBJECTS.size();
      int rest = pick / SUBJECTS.size();
      int v = rest % VERBS.size();
      rest /= VERBS.size();
      int o = rest % OBJECTS.size();
      int e = rest / OBJECTS.size();
      out.add(SUBJECTS.get(s) + " " + VERBS.get(v) + " " + OBJECTS.get(o) + " " + ENDINGS.get(e));
    }
    return out;
  }

  /** Writes {@code rows} sentences to {@code file} atomically, one JSON object per line. */
  public static Path write(Path file, int rows) {
    StringBuilder text = new StringBuilder();
    try {
      for (String sentence : sentences(rows)) {
        text.append(JSON.writeValueAsString(Map.of("text", sentence))).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a sentence", e);
    }
    KeystoreFiles.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
    return file;
  }
}
