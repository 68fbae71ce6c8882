package io.hyphae.protocol.p2p.reqresp;

import java.time.Duration;
import java.util.Objects;

/**
 * One request/response protocol, declared in one place so that no limit is forgotten.
 *
 * @param protocolId the multistream protocol id, e.g. {@code /hyphae/bid/1.0.0}
 * @param requestCodec request bytes
 * @param responseCodec response bytes
 * @param maxRequestBytes larger requests are refused (stream reset)
 * @param maxResponseBytes larger responses are refused
 * @param timeout from opening the stream to the whole response, and for reading a request
 * @param maxConcurrentInbound requests served at once; more are refused (stream reset, "busy")
 */
public record RequestResponseProtocol<Q, R>(
    String protocolId,
    MessageCodec<Q> requestCodec,
    MessageCodec<R> responseCodec,
    int maxRequestBytes,
    int maxResponseBytes,
    Duration timeout,
    int maxConcurrentInbound) {

  public RequestResponseProtocol {
    Objects.requireNonNull(protocolId);
    Objects.requireNonNull(requestCodec);
    Objects.requireNonNull(responseCodec);
    if (!protocolId.startsWith("/")) {
      throw new IllegalArgumentException("protocol ids start with '/': " + protocolId);
    }
    if (maxRequestBytes < 1 || maxResponseBytes < 1 || maxConcurrentInbound < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }
}
