package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.p2p.mux.MuxedSession;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.netty.channel.ChannelHandler;
import java.util.function.Consumer;

/** Makes the muxer of a secured connection: its protocol id and its Netty handler. */
public interface StreamMuxerFactory {

  /** The id negotiated with multistream-select, e.g. {@code /yamux/1.0.0}. */
  String protocolId();

  /** A fresh handler and its session; inbound streams go to {@code onInbound}. */
  Installed create(boolean initiator, Consumer<MuxedStream> onInbound);

  /** The handler to put last in the pipeline, and the session it drives. */
  record Installed(ChannelHandler handler, MuxedSession session) {}
}
