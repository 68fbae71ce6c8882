package io.hyphae.protocol.p2p.identify;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hyphae.protocol.crypto.PubKey;
import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.ConnectionListener;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.LengthPrefixed;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamReads;
import io.hyphae.protocol.peer.PeerId;
import io.hyphae.protocol.proto.IdentifyProto;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves identify and identify push on a host, identifies every new connection, and keeps the
 * latest record per connected peer (dropped when the peer's last connection closes).
 */
public final class IdentifyService {
  public static final String PROTOCOL = "/ipfs/id/1.0.0";
  public static final String PUSH_PROTOCOL = "/ipfs/id/push/1.0.0";
  public static final String PROTOCOL_VERSION = "ipfs/0.1.0";

  /** js-libp2p's limit too: identify messages are small. */
  public static final int MAX_MESSAGE = 8192;

  /** Addresses and protocols kept from one message. */
  static final int MAX_ENTRIES = 128;

  private static final Logger LOG = LoggerFactory.getLogger(IdentifyService.class);

  private final Host host;
  private final String agentVersion;
  private final Duration timeout;
  private final Map<PeerId, IdentifyInfo> peers = new ConcurrentHashMap<>();
  private final List<Consumer<IdentifyInfo>> listeners = new CopyOnWriteArrayList<>();

  public IdentifyService(Host host, String agentVersion, Duration timeout) {
    this.host = host;
    this.agentVersion = agentVersion;
    this.timeout = timeout;
  }

  /** Registers the handlers and identifies each new connection. */
  public void install() {
    host.setStreamHandler(PROTOCOL, this::answer);
    host.setStreamHandler(PUSH_PROTOCOL, this::receivePush);
    host.addConnectionListener(
        new ConnectionListener() {
          @Override
          public void onConnected(Connection connection) {
            identify(connection)
                .whenComplete(
                    (info, e) -> {
                      if (e != null) {
                        LOG.debug(
                            "peer={} identify failed: {}", connection.remotePeer(), e.toString());
                      }
                    });
          }

          @Override
          public void onDisconnected(Connection connection) {
            if (host.connections(connection.remotePeer()).isEmpty()) {
              peers.remove(connection.remotePeer());
            }
          }
        });
  }

  /** Told each record we learn (by asking or by push), on the connection's event loop. */
  public void addListener(Consumer<IdentifyInfo> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<IdentifyInfo> listener) {
    listeners.remove(listener);
  }

  private void learned(IdentifyInfo info) {
    peers.put(info.peerId(), info);
    for (Consumer<IdentifyInfo> l : listeners) {
      try {
        l.accept(info);
      } catch (RuntimeException e) {
        LOG.warn("identify listener failed", e);
      }
    }
  }

  /** The latest record of a connected peer. */
  public Optional<IdentifyInfo> info(PeerId peer) {
    return Optional.ofNullable(peers.get(peer));
  }

  /** Asks the remote to identify itself. */
  public CompletableFuture<IdentifyInfo> identify(Connection connection) {
    return connection
        .newStream(PROTOCOL)
        .thenCompose(
            stream ->
                StreamReads.lengthPrefixed(stream, MAX_MESSAGE, timeout)
                    .thenApply(
                        bytes -> {
                          stream.closeWrite();
                          IdentifyInfo info = decode(bytes, connection.remotePeer());
                          learned(info);
                          return info;
                        }));
  }

  /** Sends our current record to every connected peer (after our addresses or protocols change). */
  public CompletableFuture<Void> pushAll() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Connection c : host.connections()) {
      all.add(
          c.newStream(PUSH_PROTOCOL)
              .thenCompose(
                  s -> {
                    s.setReader((st, data) -> data.release());
                    return s.write(LengthPrefixed.encode(ByteBufAllocator.DEFAULT, message(c)))
                        .thenCompose(v -> s.closeWrite());
                  })
              .exceptionally(
                  e -> {
                    LOG.debug("peer={} identify push failed: {}", c.remotePeer(), e.toString());
                    return null;
                  }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private void answer(Stream stream) {
    stream.setReader((s, data) -> data.release());
    stream
        .write(LengthPrefixed.encode(ByteBufAllocator.DEFAULT, message(stream.connection())))
        .thenCompose(v -> stream.closeWrite())
        .exceptionally(
            e -> {
              stream.reset();
              return null;
            });
  }

  private void receivePush(Stream stream) {
    PeerId remote = stream.connection().remotePeer();
    StreamReads.lengthPrefixed(stream, MAX_MESSAGE, timeout)
        .whenComplete(
            (bytes, e) -> {
              if (e != null) {
                LOG.debug("peer={} bad identify push: {}", remote, e.toString());
                return;
              }
              try {
                learned(decode(bytes, remote));
                stream.closeWrite();
              } catch (P2pException bad) {
                LOG.debug("peer={} bad identify push: {}", remote, bad.getMessage());
                stream.reset();
              }
            });
  }

  /** Our record as seen from {@code connection}. */
  byte[] message(Connection connection) {
    IdentifyProto.Identify.Builder b =
        IdentifyProto.Identify.newBuilder()
            .setProtocolVersion(PROTOCOL_VERSION)
            .setAgentVersion(agentVersion)
            .setPublicKey(ByteString.copyFrom(localKey().marshal()))
            .addAllProtocols(host.protocols());
    for (Multiaddr a : host.listenAddresses()) {
      b.addListenAddrs(ByteString.copyFrom(a.toBytes()));
    }
    try {
      b.setObservedAddr(ByteString.copyFrom(connection.remoteAddress().toBytes()));
    } catch (RuntimeException e) {
      // the connection closed meanwhile: leave the observed address out
    }
    return b.build().toByteArray();
  }

  private PubKey localKey() {
    return host.peerId()
        .publicKey()
        .orElseThrow(() -> new IllegalStateException("our key is inlined in our peer id"));
  }

  /** Parses and checks a record: its key must be the remote's. */
  public static IdentifyInfo decode(byte[] bytes, PeerId expected) {
    IdentifyProto.Identify msg;
    try {
      msg = IdentifyProto.Identify.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new P2pException(P2pException.Reason.PROTOCOL_ERROR, "malformed identify message", e);
    }
    if (!msg.hasPublicKey()) {
      throw new P2pException(P2pException.Reason.PROTOCOL_ERROR, "identify without a public key");
    }
    PubKey key;
    try {
      key = PubKey.unmarshal(msg.getPublicKey().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new P2pException(
          P2pException.Reason.PROTOCOL_ERROR, "identify key: " + e.getMessage(), e);
    }
    if (!expected.matches(key)) {
      throw new P2pException(
          P2pException.Reason.PEER_ID_MISMATCH, "identify key is not the key of " + expected);
    }
    if (msg.getListenAddrsCount() > MAX_ENTRIES || msg.getProtocolsCount() > MAX_ENTRIES) {
      throw new P2pException(
          P2pException.Reason.PROTOCOL_ERROR, "identify lists more than " + MAX_ENTRIES + " items");
    }
    List<Multiaddr> addrs = new ArrayList<>();
    int skipped = 0;
    for (ByteString a : msg.getListenAddrsList()) {
      try {
        addrs.add(Multiaddr.fromBytes(a.toByteArray()));
      } catch (IllegalArgumentException e) {
        skipped++;
      }
    }
    Optional<Multiaddr> observed = Optional.empty();
    if (msg.hasObservedAddr()) {
      try {
        observed = Optional.of(Multiaddr.fromBytes(msg.getObservedAddr().toByteArray()));
      } catch (IllegalArgumentException e) {
        skipped++;
      }
    }
    return new IdentifyInfo(
        expected,
        key,
        msg.getProtocolVersion(),
        msg.getAgentVersion(),
        addrs,
        skipped,
        observed,
        msg.getProtocolsList());
  }
}
