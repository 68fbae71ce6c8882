package io.hyphae.protocol.p2p;

/**
 * Serves one protocol: called with each inbound stream negotiated to it. Set a {@link StreamReader}
 * on the stream before returning or later; data is buffered until then.
 */
@FunctionalInterface
public interface StreamHandler {
  void handle(Stream stream);
}
