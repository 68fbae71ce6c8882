package io.hyphae.protocol.p2p.yamux;

import java.time.Duration;

/**
 * Limits and sizes of one yamux session.
 *
 * @param receiveWindow the receive window granted to the remote when a stream opens, in bytes: at
 *     least the spec's 256 KiB
 * @param maxReceiveWindow the most a stream's receive window grows to while its reader keeps up
 *     (doubling each time half of it was consumed, within the session's budget of {@link
 *     #SESSION_GROWTH_FACTOR} times this); it is also the most a stream buffers for a reader that
 *     has paused
 * @param maxFrameData the largest data payload we put in one frame
 * @param maxInboundStreams open streams the remote may have opened to us; a SYN beyond it is reset
 * @param maxOutboundStreams open streams we may have opened
 * @param maxUnackedOutboundStreams outbound streams the remote has not acknowledged yet (pending
 *     opens); more fail {@code openStream} with STREAM_LIMIT
 * @param maxQueuedWriteBytes bytes a stream queues for sending beyond the remote's window; a write
 *     that would pass it fails with STREAM_LIMIT (a write into an empty queue is always accepted)
 * @param maxOutstandingPings pings awaiting their answer
 * @param pingTimeout how long {@code ping()} waits for the answer
 */
public record YamuxConfig(
    int receiveWindow,
    int maxReceiveWindow,
    int maxFrameData,
    int maxInboundStreams,
    int maxOutboundStreams,
    int maxUnackedOutboundStreams,
    int maxQueuedWriteBytes,
    int maxOutstandingPings,
    Duration pingTimeout) {

  /** The window every stream starts with on both sides, fixed by the spec. */
  public static final int INITIAL_WINDOW = 256 * 1024;

  /** The largest receive window we grant (the spec allows up to 4 GiB; we bound memory). */
  public static final int MAX_RECEIVE_WINDOW = 16 * 1024 * 1024;

  /** A session's streams together grow their windows by at most this many maxReceiveWindows. */
  public static final int SESSION_GROWTH_FACTOR = 4;

  public YamuxConfig {
    if (receiveWindow < INITIAL_WINDOW || receiveWindow > MAX_RECEIVE_WINDOW) {
      throw new IllegalArgumentException(
          "receiveWindow must be in ["
              + INITIAL_WINDOW
              + ", "
              + MAX_RECEIVE_WINDOW
              + "]: "
              + receiveWindow);
    }
    if (maxReceiveWindow < receiveWindow || maxReceiveWindow > MAX_RECEIVE_WINDOW) {
      throw new IllegalArgumentException(
          "maxReceiveWindow must be in [receiveWindow, "
              + MAX_RECEIVE_WINDOW
              + "]: "
              + maxReceiveWindow);
    }
    if (maxFrameData < 1024 || maxFrameData > MAX_RECEIVE_WINDOW) {
      throw new IllegalArgumentException("maxFrameData must be in [1024, 16 MiB]: " + maxFrameData);
    }
    positive("maxInboundStreams", maxInboundStreams);
    positive("maxOutboundStreams", maxOutboundStreams);
    positive("maxUnackedOutboundStreams", maxUnackedOutboundStreams);
    positive("maxQueuedWriteBytes", maxQueuedWriteBytes);
    positive("maxOutstandingPings", maxOutstandingPings);
    if (pingTimeout == null || pingTimeout.isNegative() || pingTimeout.isZero()) {
      throw new IllegalArgumentException("pingTimeout must be positive: " + pingTimeout);
    }
  }

  /**
   * The default data frame size: a 12-byte header plus this payload fill one Noise transport
   * message (65535 bytes less the 16-byte tag) exactly.
   */
  public static final int DEFAULT_MAX_FRAME_DATA = 65535 - 16 - YamuxFrame.HEADER_LENGTH;

  /**
   * 256 KiB windows that grow to 16 MiB while the reader keeps up (as go and js yamux auto-tune
   * theirs; a fixed 256 KiB window halved loopback throughput), frames that fit one Noise message,
   * 512 streams each way, 256 pending opens, 4 MiB write queues, 16 pings of 10 s.
   */
  public static YamuxConfig defaults() {
    return new YamuxConfig(
        INITIAL_WINDOW,
        MAX_RECEIVE_WINDOW,
        DEFAULT_MAX_FRAME_DATA,
        512,
        512,
        256,
        4 * 1024 * 1024,
        16,
        Duration.ofSeconds(10));
  }

  public YamuxConfig withMaxInboundStreams(int value) {
    return new YamuxConfig(
        receiveWindow,
        maxReceiveWindow,
        maxFrameData,
        value,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxQueuedWriteBytes,
        maxOutstandingPings,
        pingTimeout);
  }

  public YamuxConfig withMaxOutboundStreams(int value) {
    return new YamuxConfig(
        receiveWindow,
        maxReceiveWindow,
        maxFrameData,
        maxInboundStreams,
        value,
        maxUnackedOutboundStreams,
        maxQueuedWriteBytes,
        maxOutstandingPings,
        pingTimeout);
  }

  public YamuxConfig withMaxUnackedOutboundStreams(int value) {
    return new YamuxConfig(
        receiveWindow,
        maxReceiveWindow,
        maxFrameData,
        maxInboundStreams,
        maxOutboundStreams,
        value,
        maxQueuedWriteBytes,
        maxOutstandingPings,
        pingTimeout);
  }

  /** Sets the initial window (raising the maximum to it when below). */
  public YamuxConfig withReceiveWindow(int value) {
    return new YamuxConfig(
        value,
        Math.max(value, maxReceiveWindow),
        maxFrameData,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxQueuedWriteBytes,
        maxOutstandingPings,
        pingTimeout);
  }

  public YamuxConfig withMaxReceiveWindow(int value) {
    return new YamuxConfig(
        receiveWindow,
        value,
        maxFrameData,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxQueuedWriteBytes,
        maxOutstandingPings,
        pingTimeout);
  }

  public YamuxConfig withMaxFrameData(int value) {
    return new YamuxConfig(
        receiveWindow,
        maxReceiveWindow,
        value,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxQueuedWriteBytes,
        maxOutstandingPings,
        pingTimeout);
  }

  public YamuxConfig withMaxQueuedWriteBytes(int value) {
    return new YamuxConfig(
        receiveWindow,
        maxReceiveWindow,
        maxFrameData,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        value,
        maxOutstandingPings,
        pingTimeout);
  }

  public YamuxConfig withPingTimeout(Duration value) {
    return new YamuxConfig(
        receiveWindow,
        maxReceiveWindow,
        maxFrameData,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxQueuedWriteBytes,
        maxOutstandingPings,
        value);
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
