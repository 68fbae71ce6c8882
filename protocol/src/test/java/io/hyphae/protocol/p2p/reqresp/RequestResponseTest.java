package io.hyphae.protocol.p2p.reqresp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.protocol.crypto.Secp256k1PrivKey;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.transport.Libp2pHost;
import io.hyphae.protocol.proto.IdentifyProto.Identify;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request/response over real hosts on loopback; any protobuf type serves as the message. */
class RequestResponseTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static Libp2pHost client;
  private static Libp2pHost server;
  private static Connection connection;

  private static RequestResponseProtocol<Identify, Identify> protocol(String id, Duration timeout) {
    MessageCodec<Identify> codec = MessageCodec.protobuf(Identify.parser());
    return new RequestResponseProtocol<>(id, codec, codec, 1024, 1024, timeout, 2);
  }

  @BeforeAll
  static void start() throws Exception {
    client =
        new Libp2pHost(HostConfig.defaults(Secp256k1PrivKey.generate(RANDOM)).withIoThreads(1));
    server =
        new Libp2pHost(HostConfig.defaults(Secp256k1PrivKey.generate(RANDOM)).withIoThreads(1));
    client.start().get(5, TimeUnit.SECONDS);
    server.start().get(5, TimeUnit.SECONDS);
    connection =
        client
            .dial(server.listenAddresses().get(0).withPeerId(server.peerId()))
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    client.stop().get(5, TimeUnit.SECONDS);
    server.stop().get(5, TimeUnit.SECONDS);
    assertThat(io.hyphae.protocol.LeakRecorder.collect()).isEmpty();
  }

  private static Identify msg(String agent) {
    return Identify.newBuilder().setAgentVersion(agent).build();
  }

  private static P2pException failure(CompletableFuture<?> f) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(P2pException.class);
    return (P2pException) e.getCause();
  }

  @Test
  void answersRequests() throws Exception {
    var p = protocol("/hyphae-test/upper/1.0.0", Duration.ofSeconds(5));
    new RequestResponse<>(server, p)
        .serve(
            (from, req) -> {
              assertThat(from).isEqualTo(client.peerId());
              return CompletableFuture.completedFuture(msg(req.getAgentVersion().toUpperCase()));
            });
    RequestResponse<Identify, Identify> rr = new RequestResponse<>(client, p);
    assertThat(rr.request(connection, msg("bid")).get(10, TimeUnit.SECONDS).getAgentVersion())
        .isEqualTo("BID");
    assertThat(rr.request(server.peerId(), msg("x")).get(10, TimeUnit.SECONDS).getAgentVersion())
        .isEqualTo("X");
  }

  @Test
  void oversizedRequestIsRefusedOnBothSides() throws Exception {
    var p = protocol("/hyphae-test/small/1.0.0", Duration.ofSeconds(5));
    new RequestResponse<>(server, p).serve((f, r) -> CompletableFuture.completedFuture(r));
    var big = msg("x".repeat(2000));
    assertThatThrownBy(() -> new RequestResponse<>(client, p).request(connection, big).get())
        .hasCauseInstanceOf(IllegalArgumentException.class);
    // a client with a larger limit sends it; the server resets the stream
    var lenient =
        new RequestResponseProtocol<>(
            p.protocolId(), p.requestCodec(), p.responseCodec(), 4096, 4096, p.timeout(), 2);
    assertThat(failure(new RequestResponse<>(client, lenient).request(connection, big)).reason())
        .isEqualTo(P2pException.Reason.CLOSED);
  }

  @Test
  void failingHandlerResetsAndSlowHandlerTimesOut() throws Exception {
    var failing = protocol("/hyphae-test/fail/1.0.0", Duration.ofSeconds(5));
    new RequestResponse<>(server, failing)
        .serve((f, r) -> CompletableFuture.failedFuture(new IllegalStateException("no")));
    assertThat(
            failure(new RequestResponse<>(client, failing).request(connection, msg("a"))).reason())
        .isEqualTo(P2pException.Reason.CLOSED);

    var slow = protocol("/hyphae-test/slow/1.0.0", Duration.ofMillis(300));
    new RequestResponse<>(server, slow).serve((f, r) -> new CompletableFuture<>());
    assertThat(failure(new RequestResponse<>(client, slow).request(connection, msg("a"))).reason())
        .isIn(P2pException.Reason.TIMEOUT, P2pException.Reason.CLOSED);
  }

  @Test
  void refusesRequestsBeyondTheConcurrencyLimit() throws Exception {
    var p = protocol("/hyphae-test/busy/1.0.0", Duration.ofSeconds(5));
    CompletableFuture<Identify> gate = new CompletableFuture<>();
    new RequestResponse<>(server, p).serve((f, r) -> gate);
    var rr = new RequestResponse<>(client, p);
    var first = rr.request(connection, msg("1"));
    var second = rr.request(connection, msg("2"));
    // wait until both are in flight on the server, then a third is refused
    var third = rr.request(connection, msg("3"));
    P2pException busy = failure(third);
    assertThat(busy.reason()).isEqualTo(P2pException.Reason.CLOSED);
    gate.complete(msg("done"));
    assertThat(first.get(10, TimeUnit.SECONDS).getAgentVersion()).isEqualTo("done");
    assertThat(second.get(10, TimeUnit.SECONDS).getAgentVersion()).isEqualTo("done");
  }

  @Test
  void malformedResponseFailsTyped() throws Exception {
    var p = protocol("/hyphae-test/garbage/1.0.0", Duration.ofSeconds(5));
    server.setStreamHandler(
        p.protocolId(),
        s ->
            s.write(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff})
                .thenCompose(v -> s.closeWrite()));
    assertThat(failure(new RequestResponse<>(client, p).request(connection, msg("a"))).reason())
        .isEqualTo(P2pException.Reason.PROTOCOL_ERROR);
  }
}
