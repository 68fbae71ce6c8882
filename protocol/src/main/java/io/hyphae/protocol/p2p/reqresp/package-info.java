/**
 * Request/response over streams, for the market protocols: one stream per request, the request and
 * the response each one varint-length-prefixed message (protobuf by default), each side
 * half-closing after its message. {@link io.hyphae.protocol.p2p.reqresp.RequestResponseProtocol}
 * declares a protocol's id, codecs, size limits, timeout and inbound concurrency in one place.
 */
package io.hyphae.protocol.p2p.reqresp;
