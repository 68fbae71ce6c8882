/**
 * The node's admin HTTP server: Prometheus {@code /metrics}, {@code /healthz} and JSON {@code
 * /status}, bound to 127.0.0.1 unless configured otherwise. It reads node state through {@link
 * io.hyphae.node.admin.AdminSources}; it changes nothing.
 */
package io.hyphae.node.admin;
