package io.hyphae.devnet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands the one {@link AcceptanceDevnet} to every test (and {@code @BeforeAll}) parameter of that
 * type: started on first use, kept in the root store so that every test class of the run shares it,
 * and closed (stopped) when the run ends.
 */
public final class SharedDevnet implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedDevnet.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == AcceptanceDevnet.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            AcceptanceDevnet.class,
            key -> {
              try {
                return AcceptanceDevnet.start();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            AcceptanceDevnet.class);
  }
}
