package io.hyphae.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicReference<List<String>> problems = new AtomicReference<>(List.of());
  private final AtomicReference<CompletableFuture<?>> status =
      new AtomicReference<>(
          CompletableFuture.completedFuture(Map.of("address", "0xabc", "pendingJobs", 2)));
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private AdminServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        AdminServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            new AdminSources(
                registry,
                () -> CompletableFuture.completedFuture(problems.get()),
                () -> status.get()));
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  private HttpResponse<String> request(String method, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPrometheusTextWithTheNodesMetrics() throws Exception {
    Counter.builder().name("hyphae_test_things_total").help("things").register(registry).inc(3);

    HttpResponse<String> response = request("GET", "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/plain");
    assertThat(response.body())
        .contains("# TYPE hyphae_test_things_total counter")
        .contains("hyphae_test_things_total 3.0");
  }

  @Test
  void countsItsOwnRequests() throws Exception {
    request("GET", "/healthz");
    request("GET", "/nope");

    assertThat(request("GET", "/metrics").body())
        .contains("hyphae_admin_requests_total{code=\"200\",path=\"/healthz\"} 1.0")
        .contains("hyphae_admin_requests_total{code=\"404\",path=\"other\"} 1.0");
  }

  @Test
  void healthzIsOkUntilThereIsAProblem() throws Exception {
    HttpResponse<String> healthy = request("GET", "/healthz");
    problems.set(List.of("journal not answering"));
    HttpResponse<String> unhealthy = request("GET", "/healthz");

    assertThat(healthy.statusCode()).isEqualTo(200);
    assertThat(healthy.body()).isEqualTo("ok\n");
    assertThat(unhealthy.statusCode()).isEqualTo(503);
    assertThat(unhealthy.body()).contains("- journal not answering");
  }

  @Test
  void statusIsJsonAndAFailedSourceIs503() throws Exception {
    HttpResponse<String> ok = request("GET", "/status");
    status.set(CompletableFuture.failedFuture(new IllegalStateException("journal closed")));
    HttpResponse<String> failed = request("GET", "/status");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    JsonNode json = new ObjectMapper().readTree(ok.body());
    assertThat(json.get("address").asText()).isEqualTo("0xabc");
    assertThat(json.get("pendingJobs").asInt()).isEqualTo(2);
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(failed.body()).get("error").asText())
        .contains("journal closed");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertThat(request("GET", "/").statusCode()).isEqualTo(404);
    assertThat(request("GET", "/metricsx").statusCode()).isEqualTo(404);
    HttpResponse<String> post = request("POST", "/status");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void bindsTheLoopbackAddressItWasGiven() {
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(server.address().getPort()).isPositive();
  }
}
