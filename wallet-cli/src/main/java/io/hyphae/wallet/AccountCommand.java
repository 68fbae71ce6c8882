package io.hyphae.wallet;

import io.hyphae.contracts.keys.KdfStrength;
import io.hyphae.contracts.keys.KeystoreDirectory;
import io.hyphae.contracts.keys.KeystoreException;
import io.hyphae.contracts.keys.PasswordSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyphae account new|import|list}: the keys in the keystore directory. */
@Command(
    name = "account",
    mixinStandardHelpOptions = true,
    description = "Creates, imports and lists the accounts in the keystore directory.",
    subcommands = {
      AccountCommand.NewCommand.class,
      AccountCommand.ImportCommand.class,
      AccountCommand.ListCommand.class
    })
final class AccountCommand implements Runnable {

  /** A private key in hex is 66 characters at most; refuse to read megabytes looking for one. */
  static final int MAX_KEY_INPUT_BYTES = 1024;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand");
  }

  static WalletContext context(CommandLine.Model.CommandSpec spec) {
    return ((WalletMain) spec.root().userObject()).context();
  }

  /** Options shared by the commands that encrypt a key. */
  static final class NewKeyOptions {
    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description =
            "Read the new password from the first line of FILE (else $HYPHAE_PASSWORD, else a"
                + " prompt that asks twice).")
    Path passwordFile;

    @Option(
        names = "--light-kdf",
        description =
            "Cheaper scrypt parameters (geth's light KDF): only for throwaway devnet keys.")
    boolean lightKdf;

    String newPassword(WalletContext context) {
      PasswordSource source =
          PasswordSource.choose(Optional.ofNullable(passwordFile), context.environment());
      return source instanceof PasswordSource.Prompt prompt
          ? prompt.readNew()
          : source.read(context.environment());
    }

    KdfStrength kdf() {
      return lightKdf ? KdfStrength.LIGHT : KdfStrength.STANDARD;
    }
  }

  static void printAccount(WalletContext context, KeystoreDirectory.Account account) {
    if (context.json()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("address", account.address());
      json.put("file", account.file().toString());
      context.printJson(json);
    } else {
      context.out().printf("address: %s%nfile:    %s%n", account.address(), account.file());
      context.out().flush();
    }
  }

  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = "Creates a new random key, encrypted in the keystore directory.")
  static final class NewCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin NewKeyOptions keyOptions;

    @Override
    public Integer call() {
      WalletContext context = context(spec);
      String password = keyOptions.newPassword(context);
      printAccount(context, context.keystore().create(password, keyOptions.kdf()));
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Imports a private key (64 hex digits, optionally 0x-prefixed) from a file or stdin.")
  static final class ImportCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin NewKeyOptions keyOptions;

    @Option(
        names = "--key-file",
        paramLabel = "FILE",
        description = "Read the private key from FILE (default: standard input).")
    Path keyFile;

    @Override
    public Integer call() {
      WalletContext context = context(spec);
      // Read the key before asking for a password: a malformed key fails fast.
      String key = keyFile != null ? readKeyFile(keyFile) : readBounded(context.stdin(), "stdin");
      String password = keyOptions.newPassword(context);
      printAccount(context, context.keystore().importKey(key, password, keyOptions.kdf()));
      return 0;
    }

    private static String readKeyFile(Path file) {
      try (InputStream in = Files.newInputStream(file)) {
        return readBounded(in, file.toString());
      } catch (NoSuchFileException e) {
        throw new KeystoreException(KeystoreException.Kind.MISSING, "no key file at " + file, e);
      } catch (IOException e) {
        throw new KeystoreException(
            KeystoreException.Kind.IO, "cannot read key file " + file + ": " + e, e);
      }
    }

    private static String readBounded(InputStream in, String what) {
      try {
        byte[] bytes = in.readNBytes(MAX_KEY_INPUT_BYTES + 1);
        if (bytes.length > MAX_KEY_INPUT_BYTES) {
          throw new KeystoreException(
              KeystoreException.Kind.BAD_KEY,
              "not a private key: " + what + " holds more than " + MAX_KEY_INPUT_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new KeystoreException(
            KeystoreException.Kind.IO, "cannot read the key from " + what + ": " + e, e);
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the accounts: index, address and keystore file.")
  static final class ListCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      WalletContext context = context(spec);
      KeystoreDirectory keystore = context.keystore();
      List<KeystoreDirectory.Account> accounts = keystore.list();
      if (context.json()) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("index", i);
          entry.put("address", accounts.get(i).address());
          entry.put("file", accounts.get(i).file().toString());
          json.add(entry);
        }
        context.printJson(json);
        return 0;
      }
      if (accounts.isEmpty()) {
        context.err().println("no accounts in " + keystore.path() + " (create one: account new)");
      }
      for (int i = 0; i < accounts.size(); i++) {
        context.out().printf("#%d  %s  %s%n", i, accounts.get(i).address(), accounts.get(i).file());
      }
      context.out().flush();
      return 0;
    }
  }
}
