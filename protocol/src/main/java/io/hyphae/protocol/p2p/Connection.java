package io.hyphae.protocol.p2p;

import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.peer.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A secured, multiplexed connection to one peer. */
public interface Connection {

  PeerId remotePeer();

  /** The remote's identity key, proven in the security handshake. */
  PubKey remotePublicKey();

  Multiaddr remoteAddress();

  Multiaddr localAddress();

  /** True when this side dialed. */
  boolean isInitiator();

  /** Opens a stream and negotiates the first of {@code protocols} the remote supports. */
  CompletableFuture<Stream> newStream(List<String> protocols);

  default CompletableFuture<Stream> newStream(String protocol) {
    return newStream(List.of(protocol));
  }

  /** A round trip measured with the multiplexer's own ping. */
  CompletableFuture<Duration> muxerPing();

  int streamCount();

  boolean isOpen();

  /** Closes the connection; every stream is reset. */
  void close();

  /** Completes when the connection has closed, for whatever reason. */
  CompletableFuture<Void> closeFuture();
}
