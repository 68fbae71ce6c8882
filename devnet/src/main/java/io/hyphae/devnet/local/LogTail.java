package io.hyphae.devnet.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The last lines of a log file, read from its end (at most the last 4 MiB). */
public final class LogTail {

  static final int MAX_BYTES = 4 * 1024 * 1024;

  private LogTail() {}

  /** Up to {@code lines} last lines; empty when the file is missing or unreadable. */
  public static List<String> lastLines(Path file, int lines) {
    if (lines <= 0 || !Files.isRegularFile(file)) {
      return List.of();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      int size = (int) Math.min(length, MAX_BYTES);
      byte[] bytes = new byte[size];
      raf.seek(length - size);
      raf.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      List<String> all = new ArrayList<>(List.of(text.split("\r?\n", -1)));
      if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
        all.remove(all.size() - 1);
      }
      if (size < length && !all.isEmpty()) {
        all.remove(0); // The first line was cut by the 4 MiB window.
      }
      return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return List.of();
    }
  }
}
