package io.hyphae.node.admin;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the admin server shows: the metrics registry, the node's health and its status.
 *
 * @param metrics the registry {@code /metrics} exposes
 * @param health the problems that make the node unhealthy; empty when healthy
 * @param status a JSON-serializable status object (a record or map)
 */
public record AdminSources(PrometheusRegistry metrics, HealthCheck health, StatusSource status) {

  /** The node's health: a list of problems, empty when healthy. */
  @FunctionalInterface
  public interface HealthCheck {
    CompletableFuture<List<String>> problems();
  }

  /** The node's status, serialized to JSON by the admin server. */
  @FunctionalInterface
  public interface StatusSource {
    CompletableFuture<?> status();
  }
}
