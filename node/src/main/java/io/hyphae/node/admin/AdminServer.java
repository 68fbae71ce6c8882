package io.hyphae.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server on the JDK's built-in server. Requests run on a small named, bounded pool
 * ({@value #THREAD_NAME}-N); when its queue is full the JDK server drops the connection, so a flood
 * of scrapes cannot grow memory.
 */
public final class AdminServer implements AutoCloseable {

  static final String THREAD_NAME = "hyphae-admin-http";
  static final int THREADS = 2;
  static final int QUEUE_CAPACITY = 64;

  /** How long /healthz and /status wait for the node's answer. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  private AdminServer(HttpServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the server.
   *
   * @param bind the address and port (port 0: any free port)
   * @throws IOException when the address cannot be bound
   */
  public static AdminServer start(InetSocketAddress bind, AdminSources sources) throws IOException {
    Counter requests =
        Counter.builder()
            .name("hyphae_admin_requests_total")
            .help("Admin HTTP requests by path and status code")
            .labelNames("path", "code")
            .register(sources.metrics());
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY),
            runnable -> {
              Thread thread =
                  new Thread(runnable, THREAD_NAME + "-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
    HttpServer server = HttpServer.create(bind, 16);
    server.setExecutor(executor);
    MetricsHandler metrics = new MetricsHandler(sources.metrics());
    server.createContext("/", counted(requests, exchange -> route(exchange, sources, metrics)));
    server.start();
    LOG.info("admin HTTP on {}", server.getAddress());
    return new AdminServer(server, executor);
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Stops accepting and closes connections (scrapes are short and retried), then stops the pool.
   */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  private static void route(HttpExchange exchange, AdminSources sources, MetricsHandler metrics)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!List.of("/metrics", "/healthz", "/status").contains(path)) {
      send(exchange, 404, "text/plain", "not found: try /metrics, /healthz or /status\n");
      return;
    }
    String method = exchange.getRequestMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      send(exchange, 405, "text/plain", "method not allowed: use GET\n");
      return;
    }
    switch (path) {
      case "/metrics" -> metrics.handle(exchange);
      case "/healthz" -> health(exchange, sources.health());
      default -> status(exchange, sources.status());
    }
  }

  private static void health(HttpExchange exchange, AdminSources.HealthCheck check)
      throws IOException {
    List<String> problems;
    try {
      problems = check.problems().get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      problems = List.of("health check failed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      problems = List.of("health check did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems = List.of("interrupted");
    }
    if (problems.isEmpty()) {
      send(exchange, 200, "text/plain", "ok\n");
    } else {
      send(exchange, 503, "text/plain", "unhealthy:\n- " + String.join("\n- ", problems) + "\n");
    }
  }

  private static void status(HttpExchange exchange, AdminSources.StatusSource source)
      throws IOException {
    Object status;
    int code = 200;
    try {
      status = source.status().get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      code = 503;
      status = Map.of("error", "status unavailable: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      code = 503;
      status = Map.of("error", "status did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = 503;
      status = Map.of("error", "interrupted");
    }
    send(exchange, code, "application/json", JSON.writeValueAsString(status) + "\n");
  }

  private static void send(HttpExchange exchange, int code, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  /** Counts each request by path (known paths only, so labels stay bounded) and status code. */
  private static HttpHandler counted(Counter requests, HttpHandler handler) {
    return exchange -> {
      try {
        handler.handle(exchange);
      } catch (IOException | RuntimeException e) {
        LOG.debug("admin request {} failed: {}", exchange.getRequestURI(), e.toString());
        throw e;
      } finally {
        String path = exchange.getRequestURI().getPath();
        String label = List.of("/metrics", "/healthz", "/status").contains(path) ? path : "other";
        requests.labelValues(label, Integer.toString(exchange.getResponseCode())).inc();
        exchange.close();
      }
    };
  }
}
