/**
 * yamux ({@code /yamux/1.0.0}), the stream multiplexer of our libp2p connections, per the libp2p
 * and hashicorp specs: 12-byte frames, odd stream ids for the dialer and even for the listener, 256
 * KiB initial stream windows, half-close (FIN), reset (RST), ping and go-away.
 *
 * <p>Layers: {@link io.hyphae.protocol.p2p.yamux.YamuxFrameCodec} (pure frame decode/encode with
 * limits) → {@code YamuxSession} and {@code YamuxStream} (state machines on the event loop) → the
 * {@link io.hyphae.protocol.p2p.mux} contract. {@link io.hyphae.protocol.p2p.yamux.YamuxHandler} is
 * the Netty glue.
 *
 * <p>Wiring: once the security handshake is done and multistream-select agreed on {@link
 * io.hyphae.protocol.p2p.yamux.YamuxHandler#PROTOCOL_ID}, add {@code new YamuxHandler(initiator,
 * YamuxConfig.defaults(), onInbound)} as the last handler of the pipeline (its inbound messages
 * must be plaintext {@code ByteBuf}s; it writes plaintext {@code ByteBuf}s, one per frame, to the
 * handler below). {@code handler.session()} is the {@link io.hyphae.protocol.p2p.mux.MuxedSession}
 * at once; passing {@code onInbound} to the constructor guarantees no inbound stream arrives before
 * a handler is there (without one, inbound streams are refused with RST). The session's futures
 * fail until the handler is added to a pipeline.
 *
 * <p>Flow control: a stream never sends beyond the remote's window; writes queue (bounded by {@code
 * maxQueuedWriteBytes}) and their futures complete when their last byte was written to the
 * connection, which is the writer's backpressure. The send loop serves streams round-robin and
 * stops while the channel is not writable. We grant receive window back as the handler receives
 * data, in halves of the window, and not while {@code pauseReading()} holds. While the reader keeps
 * up, each grant doubles the window (256 KiB up to {@code maxReceiveWindow}, 16 MiB, within a
 * per-session budget), so one fast stream is not bound by the round trip. Data received while
 * paused, or before a handler is set, is buffered (at most the stream's window). A remote that
 * overruns a window, sends a malformed frame, reuses an open stream id or opens one of our parity
 * gets a PROTOCOL_ERROR go-away and the connection is closed.
 *
 * <p>Limits: streams each way ({@code maxInboundStreams}: a SYN beyond it is answered with RST),
 * pending opens (outbound streams not yet acknowledged), outstanding pings, frame sizes. After a
 * go-away either way no new streams open and the session closes when its last stream ends; a
 * go-away with an error code closes it at once. {@code close()} sends go-away, resets every stream
 * and closes the connection; a lost connection resets every stream with SESSION_CLOSED.
 *
 * <p>Flags: every combination is handled (SYN or ACK with data, FIN or RST on either frame type;
 * RST wins); bits the spec does not define are ignored, as js and go do. A frame for a stream that
 * is gone is dropped; data after the remote's FIN resets that stream only. A remote that makes us
 * queue more than {@code YamuxSession.MAX_CONTROL_BACKLOG} control frames (ping answers, RSTs) on a
 * connection that is not writable is cut off with PROTOCOL_ERROR.
 *
 * <p>Ping: we answer every ping request with an ACK carrying its value; {@code ping()} sends a
 * request and times out after {@code pingTimeout}; an answer nothing waits for is ignored. We send
 * no keep-alive pings of our own.
 */
package io.hyphae.protocol.p2p.yamux;
