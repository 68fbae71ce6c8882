package io.hyphae.node.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's parts, in the order they started; {@link #close()} stops them in reverse order (the
 * admin server before the journal it reads), each once, and reports every failure.
 */
public final class ShutdownSequence implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

  private record Step(String name, AutoCloseable part) {}

  private final Deque<Step> steps = new ArrayDeque<>();
  private final List<String> stopped = new ArrayList<>();

  /** Registers a started part; it is stopped before every part registered earlier. */
  public synchronized <T extends AutoCloseable> T add(String name, T part) {
    steps.push(new Step(name, part));
    return part;
  }

  /** The parts still running, in the order {@link #close()} stops them. */
  public synchronized List<String> stopOrder() {
    return steps.stream().map(Step::name).toList();
  }

  /** The parts stopped so far, in the order they stopped. */
  public synchronized List<String> stopped() {
    return List.copyOf(stopped);
  }

  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    while (!steps.isEmpty()) {
      Step step = steps.pop();
      try {
        step.part().close();
        stopped.add(step.name());
        LOG.info("stopped {}", step.name());
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", step.name(), e.toString());
        if (failure == null) {
          failure = new IllegalStateException("stopping " + step.name() + " failed: " + e, e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
