/**
 * The stream-multiplexer contract between a secured connection and the host: many ordered,
 * flow-controlled, half-closable byte streams over one connection. yamux implements it; the host
 * negotiates a protocol on each stream and hands it to the protocol's handler.
 *
 * <p>Threading: every callback of a session and of its streams runs on the connection's Netty event
 * loop, and callers may call the methods from any thread. Buffers passed to {@link
 * io.hyphae.protocol.p2p.mux.MuxedStream#write} are owned by the stream from then on; buffers
 * handed to {@link io.hyphae.protocol.p2p.mux.MuxedStreamHandler#onData} are owned by the handler,
 * which must release them.
 */
package io.hyphae.protocol.p2p.mux;
