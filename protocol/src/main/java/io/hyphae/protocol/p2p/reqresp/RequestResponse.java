package io.hyphae.protocol.p2p.reqresp;

import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.LengthPrefixed;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReads;
import io.hyphae.protocol.peer.PeerId;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends requests of one protocol and, once {@link #serve} is called, answers them. */
public final class RequestResponse<Q, R> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestResponse.class);

  private final Host host;
  private final RequestResponseProtocol<Q, R> protocol;
  private final AtomicInteger inFlight = new AtomicInteger();

  public RequestResponse(Host host, RequestResponseProtocol<Q, R> protocol) {
    this.host = host;
    this.protocol = protocol;
  }

  public RequestResponseProtocol<Q, R> protocol() {
    return protocol;
  }

  /** Sends {@code request} to a connected peer. */
  public CompletableFuture<R> request(PeerId peer, Q request) {
    return withTimeout(
        host.newStream(peer, java.util.List.of(protocol.protocolId()))
            .thenCompose(s -> exchange(s, request)));
  }

  /** Sends {@code request} over {@code connection}. */
  public CompletableFuture<R> request(Connection connection, Q request) {
    return withTimeout(
        connection.newStream(protocol.protocolId()).thenCompose(s -> exchange(s, request)));
  }

  private CompletableFuture<R> exchange(Stream stream, Q request) {
    byte[] bytes = protocol.requestCodec().encode(request);
    if (bytes.length > protocol.maxRequestBytes()) {
      stream.reset();
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "request of " + bytes.length + " bytes exceeds " + protocol.maxRequestBytes()));
    }
    CompletableFuture<byte[]> response =
        StreamReads.lengthPrefixed(stream, protocol.maxResponseBytes(), protocol.timeout());
    return stream
        .write(LengthPrefixed.encode(ByteBufAllocator.DEFAULT, bytes))
        .thenCompose(v -> stream.closeWrite())
        .thenCompose(v -> response)
        .thenApply(
            b -> {
              try {
                return protocol.responseCodec().decode(b);
              } catch (MessageCodec.MalformedMessageException e) {
                stream.reset();
                throw new P2pException(
                    P2pException.Reason.PROTOCOL_ERROR,
                    protocol.protocolId() + " response: " + e.getMessage(),
                    e);
              }
            });
  }

  private CompletableFuture<R> withTimeout(CompletableFuture<R> f) {
    return f.orTimeout(protocol.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e -> {
              Throwable t =
                  e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
              if (t instanceof TimeoutException) {
                t =
                    new P2pException(
                        P2pException.Reason.TIMEOUT,
                        protocol.protocolId() + " got no response within " + protocol.timeout());
              }
              return CompletableFuture.failedFuture(t);
            });
  }

  /** Registers {@code handler} for inbound requests on the host. */
  public void serve(RequestHandler<Q, R> handler) {
    host.setStreamHandler(protocol.protocolId(), stream -> answer(stream, handler));
  }

  private void answer(Stream stream, RequestHandler<Q, R> handler) {
    PeerId from = stream.connection().remotePeer();
    if (inFlight.incrementAndGet() > protocol.maxConcurrentInbound()) {
      inFlight.decrementAndGet();
      LOG.debug(
          "peer={} {} busy: {} requests in flight",
          from,
          protocol.protocolId(),
          protocol.maxConcurrentInbound());
      stream.reset();
      return;
    }
    StreamReads.lengthPrefixed(stream, protocol.maxRequestBytes(), protocol.timeout())
        .thenCompose(
            bytes -> {
              Q request;
              try {
                request = protocol.requestCodec().decode(bytes);
              } catch (MessageCodec.MalformedMessageException e) {
                throw new P2pException(P2pException.Reason.PROTOCOL_ERROR, e.getMessage(), e);
              }
              return handler
                  .handle(from, request)
                  .orTimeout(protocol.timeout().toMillis(), TimeUnit.MILLISECONDS);
            })
        .thenCompose(
            response -> {
              byte[] out = protocol.responseCodec().encode(response);
              if (out.length > protocol.maxResponseBytes()) {
                throw new IllegalStateException(
                    protocol.protocolId()
                        + " response of "
                        + out.length
                        + " bytes exceeds "
                        + protocol.maxResponseBytes());
              }
              return stream.write(LengthPrefixed.encode(ByteBufAllocator.DEFAULT, out));
            })
        .thenCompose(v -> stream.closeWrite())
        .whenComplete(
            (v, e) -> {
              inFlight.decrementAndGet();
              if (e != null) {
                LOG.debug(
                    "peer={} {} request failed: {}", from, protocol.protocolId(), e.toString());
                stream.reset();
              }
            });
  }
}
