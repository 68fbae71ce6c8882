package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.yamux.YamuxConfig;
import io.hyphae.protocol.p2p.yamux.YamuxHandler;
import java.util.function.Consumer;

/** yamux ({@code /yamux/1.0.0}) as the connection's stream muxer. */
public final class YamuxMuxerFactory implements StreamMuxerFactory {
  private final YamuxConfig config;

  public YamuxMuxerFactory(YamuxConfig config) {
    this.config = config;
  }

  public static YamuxMuxerFactory defaults() {
    return new YamuxMuxerFactory(YamuxConfig.defaults());
  }

  @Override
  public String protocolId() {
    return YamuxHandler.PROTOCOL_ID;
  }

  @Override
  public Installed create(boolean initiator, Consumer<MuxedStream> onInbound) {
    YamuxHandler handler = new YamuxHandler(initiator, config, onInbound);
    return new Installed(handler, handler.session());
  }
}
