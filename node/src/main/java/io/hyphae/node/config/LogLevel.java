package io.hyphae.node.config;

/** The node's log level, as Logback names them. */
public enum LogLevel {
  ERROR,
  WARN,
  INFO,
  DEBUG,
  TRACE
}
