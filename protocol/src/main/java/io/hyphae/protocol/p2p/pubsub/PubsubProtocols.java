package io.hyphae.protocol.p2p.pubsub;

import java.util.List;

/** Protocol ids the router speaks, newest first (the order a dialer proposes them). */
public final class PubsubProtocols {
  public static final String MESHSUB_V12 = "/meshsub/1.2.0";
  public static final String MESHSUB_V11 = "/meshsub/1.1.0";
  public static final List<String> ALL = List.of(MESHSUB_V12, MESHSUB_V11);

  private PubsubProtocols() {}

  /** True when the negotiated protocol supports IDONTWANT. */
  public static boolean supportsIDontWant(String protocol) {
    return MESHSUB_V12.equals(protocol);
  }
}
