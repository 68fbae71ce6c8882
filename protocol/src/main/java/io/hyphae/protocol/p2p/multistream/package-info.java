/**
 * multistream-select 1.0 ({@code /multistream/1.0.0}): {@link
 * io.hyphae.protocol.p2p.multistream.MultistreamCodec} frames messages (varint length, text,
 * newline), {@link io.hyphae.protocol.p2p.multistream.MultistreamNegotiation} is the dialer and
 * listener state machine, and {@link io.hyphae.protocol.p2p.multistream.MultistreamHandler} runs it
 * on a Netty channel before the channel is upgraded.
 */
package io.hyphae.protocol.p2p.multistream;
