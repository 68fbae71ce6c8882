package io.hyphae.contracts.keys;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Where a keystore password comes from: a terminal prompt without echo, the first line of a file,
 * or an environment variable. Never a command-line value (other users see those in the process
 * list), and the password itself is never part of a {@code toString()}.
 */
public sealed interface PasswordSource
    permits PasswordSource.Prompt, PasswordSource.FromFile, PasswordSource.FromEnvironment {

  /** The environment variable Hyphae reads a password from. */
  String ENV_VARIABLE = "HYPHAE_PASSWORD";

  /** Password files are one short line; refuse to read anything much larger. */
  int MAX_FILE_BYTES = 4096;

  /**
   * Reads the password.
   *
   * @param environment the process environment ({@code System.getenv()} outside tests)
   * @throws KeystoreException {@code NO_PASSWORD} or {@code MISSING} with a message saying why
   */
  String read(Map<String, String> environment);

  /** What this source is, for messages: never the password. */
  String describe();

  /**
   * The usual choice: the file when one is given, else {@code HYPHAE_PASSWORD} when set, else a
   * prompt.
   */
  static PasswordSource choose(Optional<Path> file, Map<String, String> environment) {
    if (file.isPresent()) {
      return new FromFile(file.get());
    }
    if (environment.containsKey(ENV_VARIABLE)) {
      return new FromEnvironment(ENV_VARIABLE);
    }
    return new Prompt();
  }

  /** A prompt on the terminal, without echo. */
  record Prompt() implements PasswordSource {
    @Override
    public String read(Map<String, String> environment) {
      return readFromConsole("Password: ", false);
    }

    /** Asks twice, for a new password, and insists the two agree. */
    public String readNew() {
      return readFromConsole("New password: ", true);
    }

    private static String readFromConsole(String prompt, boolean confirm) {
      Console console = System.console();
      if (console == null) {
        throw new KeystoreException(
            KeystoreException.Kind.NO_PASSWORD,
            "no terminal to ask for the password: use --password-file FILE or set " + ENV_VARIABLE);
      }
      char[] first = console.readPassword("%s", prompt);
      if (first == null) {
        throw new KeystoreException(KeystoreException.Kind.NO_PASSWORD, "no password entered");
      }
      try {
        if (confirm) {
          char[] second = console.readPassword("%s", "Repeat the password: ");
          boolean same = second != null && Arrays.equals(first, second);
          if (second != null) {
            Arrays.fill(second, '\0');
          }
          if (!same) {
            throw new KeystoreException(
                KeystoreException.Kind.NO_PASSWORD, "the two passwords differ");
          }
        }
        return new String(first);
      } finally {
        Arrays.fill(first, '\0');
      }
    }

    @Override
    public String describe() {
      return "the terminal prompt";
    }
  }

  /** The first line of a file (a trailing newline is not part of the password). */
  record FromFile(Path file) implements PasswordSource {
    @Override
    public String read(Map<String, String> environment) {
      byte[] bytes;
      try {
        if (Files.size(file) > MAX_FILE_BYTES) {
          throw new KeystoreException(
              KeystoreException.Kind.NO_PASSWORD,
              "password file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new KeystoreException(
            KeystoreException.Kind.MISSING, "no password file at " + file, e);
      } catch (IOException e) {
        throw new KeystoreException(
            KeystoreException.Kind.IO, "cannot read password file " + file + ": " + e, e);
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String line = end < 0 ? text : text.substring(0, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        throw new KeystoreException(
            KeystoreException.Kind.NO_PASSWORD, "password file " + file + " is empty");
      }
      return line;
    }

    @Override
    public String describe() {
      return "the password file " + file;
    }
  }

  /** An environment variable. */
  record FromEnvironment(String variable) implements PasswordSource {
    @Override
    public String read(Map<String, String> environment) {
      String value = environment.get(variable);
      if (value == null || value.isEmpty()) {
        throw new KeystoreException(
            KeystoreException.Kind.NO_PASSWORD,
            "the environment variable " + variable + " is not set or empty");
      }
      return value;
    }

    @Override
    public String describe() {
      return "the environment variable " + variable;
    }
  }
}
