package io.hyphae.protocol.p2p.transport;

import io.hyphae.protocol.multiaddr.Multiaddr;
import io.hyphae.protocol.p2p.Connection;
import io.hyphae.protocol.p2p.ConnectionListener;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.HostConfig;
import io.hyphae.protocol.p2p.P2pException;
import io.hyphae.protocol.p2p.PeerStore;
import io.hyphae.protocol.p2p.Stream;
import io.hyphae.protocol.p2p.StreamHandler;
import io.hyphae.protocol.p2p.identify.IdentifyService;
import io.hyphae.protocol.p2p.mux.MuxedStream;
import io.hyphae.protocol.p2p.ping.PingService;
import io.hyphae.protocol.peer.PeerId;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libp2p host on Netty TCP: Noise security, a pluggable stream muxer (yamux), multistream-select
 * everywhere, connection and stream limits.
 */
public final class Libp2pHost implements Host {
  private static final Logger LOG = LoggerFactory.getLogger(Libp2pHost.class);

  private enum State {
    NEW,
    RUNNING,
    STOPPED
  }

  private final HostConfig config;
  private final PeerId peerId;
  private final StreamMuxerFactory muxers;
  private final NettyTransport transport = NettyTransport.best();
  private final ConnectionUpgrader upgrader;
  private final ConcurrentHashMap<String, StreamHandler> handlers = new ConcurrentHashMap<>();
  private final Set<Libp2pConnection> connections = ConcurrentHashMap.newKeySet();
  private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
  private final List<Multiaddr> boundAddresses = new CopyOnWriteArrayList<>();
  private final AtomicInteger openChannels = new AtomicInteger();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final EventLoopGroup group;
  private final IdentifyService identify;
  private final PingService ping;
  private final PeerStore peerStore = PeerStore.defaults();
  private final ConcurrentHashMap<PeerId, CompletableFuture<Connection>> pendingConnects =
      new ConcurrentHashMap<>();

  /** Addresses tried per {@link #connect(PeerId)}; more would make an unreachable peer slow. */
  static final int MAX_ADDRESSES_PER_CONNECT = 4;

  /** A host with yamux, identify and ping. */
  public Libp2pHost(HostConfig config) {
    this(config, YamuxMuxerFactory.defaults());
  }

  /** A host with the given muxer; identify and ping are always served. */
  public Libp2pHost(HostConfig config, StreamMuxerFactory muxers) {
    this.config = config;
    this.peerId = PeerId.fromPublicKey(config.identity().publicKey());
    this.muxers = muxers;
    this.upgrader =
        new ConnectionUpgrader(
            config.identity(), muxers, config.upgradeTimeout(), new SecureRandom());
    this.group =
        transport.newGroup(config.ioThreads(), new DefaultThreadFactory("hyphae-p2p", true));
    this.identify = new IdentifyService(this, config.agentVersion(), config.negotiationTimeout());
    this.ping = new PingService(this, config.negotiationTimeout());
    identify.install();
    ping.install();
    // A connected peer's listen addresses live as long as it stays connected.
    identify.addListener(
        info ->
            peerStore.addAddresses(
                info.peerId(),
                info.listenAddresses(),
                connections(info.peerId()).isEmpty()
                    ? PeerStore.RECENTLY_CONNECTED_TTL_MS
                    : PeerStore.CONNECTED_TTL_MS));
  }

  @Override
  public PeerStore peerStore() {
    return peerStore;
  }

  public IdentifyService identify() {
    return identify;
  }

  public PingService ping() {
    return ping;
  }

  public HostConfig config() {
    return config;
  }

  /** The Netty transport in use ("epoll" or "nio"). */
  public String transportName() {
    return transport.name();
  }

  @Override
  public PeerId peerId() {
    return peerId;
  }

  @Override
  public CompletableFuture<Void> start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      return CompletableFuture.failedFuture(
          new P2pException(P2pException.Reason.NOT_RUNNING, "a host starts once"));
    }
    List<CompletableFuture<Void>> binds = new ArrayList<>();
    for (Multiaddr address : config.listenAddresses()) {
      binds.add(bind(address));
    }
    return CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> bind(Multiaddr address) {
    InetSocketAddress socket;
    try {
      socket = TcpAddresses.toSocketAddress(address);
    } catch (P2pException e) {
      return CompletableFuture.failedFuture(e);
    }
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accept(ch);
                  }
                });
    CompletableFuture<Void> result = new CompletableFuture<>();
    b.bind(socket)
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                serverChannels.add(f.channel());
                boundAddresses.add(TcpAddresses.toMultiaddr(f.channel().localAddress()));
                result.complete(null);
              } else {
                result.completeExceptionally(
                    new P2pException(
                        P2pException.Reason.CONNECT_FAILED,
                        "cannot listen on " + address + ": " + f.cause().getMessage(),
                        f.cause()));
              }
            });
    return result;
  }

  private void accept(SocketChannel ch) {
    ch.pipeline().addLast(ConnectionUpgrader.ERRORS, ErrorHandler.INSTANCE);
    if (state.get() != State.RUNNING || !reserveChannel(ch)) {
      LOG.debug("addr={} refused: connection limit {}", ch.remoteAddress(), config.limits());
      ch.close();
      return;
    }
    upgrade(ch, false, Optional.empty());
  }

  private boolean reserveChannel(Channel ch) {
    if (openChannels.incrementAndGet() > config.limits().maxConnections()) {
      openChannels.decrementAndGet();
      return false;
    }
    ch.closeFuture().addListener(f -> openChannels.decrementAndGet());
    return true;
  }

  private CompletableFuture<Connection> upgrade(
      Channel ch, boolean initiator, Optional<PeerId> expected) {
    AtomicReference<Libp2pConnection> holder = new AtomicReference<>();
    java.util.function.Consumer<MuxedStream> onInbound =
        muxed -> {
          Libp2pConnection c = holder.get();
          if (c == null) {
            muxed.reset();
          } else {
            c.onInboundStream(muxed);
          }
        };
    CompletableFuture<Connection> result = new CompletableFuture<>();
    upgrader
        .upgrade(ch, initiator, expected, onInbound)
        .whenComplete(
            (u, error) -> {
              if (error != null) {
                LOG.debug("addr={} upgrade failed: {}", ch.remoteAddress(), error.getMessage());
                result.completeExceptionally(error);
                return;
              }
              PeerId remote = u.remote().peerId();
              if (remote.equals(peerId)) {
                ch.close();
                result.completeExceptionally(
                    new P2pException(P2pException.Reason.UPGRADE_FAILED, "connected to ourself"));
                return;
              }
              if (connections(remote).size() >= config.limits().maxConnectionsPerPeer()) {
                LOG.debug("peer={} refused: over {} connections", remote, config.limits());
                ch.close();
                result.completeExceptionally(
                    new P2pException(
                        P2pException.Reason.LIMIT,
                        "already "
                            + config.limits().maxConnectionsPerPeer()
                            + " connections to "
                            + remote));
                return;
              }
              Libp2pConnection c =
                  new Libp2pConnection(
                      ch,
                      u.remote().publicKey(),
                      initiator,
                      u.muxer().session(),
                      handlers::get,
                      config.negotiationTimeout(),
                      config.limits().maxStreamsPerConnection(),
                      config.limits().maxBufferedBytesPerStream());
              holder.set(c);
              connections.add(c);
              ch.closeFuture()
                  .addListener(
                      f -> {
                        if (connections.remove(c)) {
                          if (connections(remote).isEmpty()) {
                            peerStore.downgrade(remote, PeerStore.RECENTLY_CONNECTED_TTL_MS);
                          }
                          listeners.forEach(l -> notify(() -> l.onDisconnected(c)));
                        }
                      });
              if (!ch.isActive()) {
                connections.remove(c);
                result.completeExceptionally(
                    new P2pException(P2pException.Reason.CLOSED, "closed during the upgrade"));
                return;
              }
              if (initiator) {
                // The address we dialed works (an inbound one is the remote's ephemeral port).
                try {
                  peerStore.addAddresses(
                      remote,
                      List.of(TcpAddresses.toMultiaddr(ch.remoteAddress())),
                      PeerStore.CONNECTED_TTL_MS);
                } catch (P2pException e) {
                  // not an IP socket: nothing to remember
                }
              }
              listeners.forEach(l -> notify(() -> l.onConnected(c)));
              result.complete(c);
            });
    return result;
  }

  private static void notify(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("connection listener failed", e);
    }
  }

  @Override
  public CompletableFuture<Connection> dial(Multiaddr address) {
    if (state.get() != State.RUNNING) {
      return CompletableFuture.failedFuture(
          new P2pException(P2pException.Reason.NOT_RUNNING, "host is not running"));
    }
    Optional<PeerId> expected;
    try {
      expected = address.peerId();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new P2pException(P2pException.Reason.BAD_ADDRESS, e.getMessage(), e));
    }
    if (expected.isPresent()) {
      List<Connection> existing = connections(expected.get());
      if (!existing.isEmpty()) {
        return CompletableFuture.completedFuture(existing.get(0));
      }
    }
    // DNS resolution may block: do it off the event loop
    return CompletableFuture.supplyAsync(() -> TcpAddresses.toSocketAddress(address))
        .thenCompose(socket -> connect(socket, expected))
        .exceptionallyCompose(
            e -> CompletableFuture.failedFuture(e.getCause() instanceof P2pException p ? p : e));
  }

  private CompletableFuture<Connection> connect(
      InetSocketAddress socket, Optional<PeerId> expected) {
    if (state.get() != State.RUNNING) {
      // stopped while the address was resolved: the event loops may be gone
      return CompletableFuture.failedFuture(
          new P2pException(P2pException.Reason.NOT_RUNNING, "host is not running"));
    }
    if (openChannels.incrementAndGet() > config.limits().maxConnections()) {
      openChannels.decrementAndGet();
      return CompletableFuture.failedFuture(
          new P2pException(
              P2pException.Reason.LIMIT,
              "connection limit of " + config.limits().maxConnections() + " reached"));
    }
    java.util.concurrent.atomic.AtomicBoolean slotHeld =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Runnable releaseSlot =
        () -> {
          if (slotHeld.compareAndSet(true, false)) {
            openChannels.decrementAndGet();
          }
        };
    CompletableFuture<Connection> upgraded = new CompletableFuture<>();
    CompletableFuture<Void> connected = new CompletableFuture<>();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    // the upgrade goes in before connecting: the remote may speak first
                    ch.pipeline().addLast(ConnectionUpgrader.ERRORS, ErrorHandler.INSTANCE);
                    ch.closeFuture().addListener(f -> releaseSlot.run());
                    upgrade(ch, true, expected)
                        .whenComplete(
                            (c, e) -> {
                              if (e != null) {
                                upgraded.completeExceptionally(e);
                              } else {
                                upgraded.complete(c);
                              }
                            });
                  }
                });
    ChannelFuture connect = b.connect(socket);
    connect.addListener(
        (ChannelFuture f) -> {
          if (f.isSuccess()) {
            connected.complete(null);
          } else {
            f.channel().close();
            releaseSlot.run();
            connected.completeExceptionally(
                new P2pException(
                    P2pException.Reason.CONNECT_FAILED,
                    "cannot connect to " + socket + ": " + f.cause().getMessage(),
                    f.cause()));
          }
        });
    // a failed connect reports as such, not as the upgrade's "closed"
    return connected.thenCompose(v -> upgraded);
  }

  @Override
  public CompletableFuture<Connection> connect(PeerId peer) {
    List<Connection> existing = connections(peer);
    if (!existing.isEmpty()) {
      return CompletableFuture.completedFuture(existing.get(0));
    }
    CompletableFuture<Connection> mine = new CompletableFuture<>();
    CompletableFuture<Connection> pending = pendingConnects.putIfAbsent(peer, mine);
    if (pending != null) {
      return pending; // one dial per peer at a time
    }
    List<Multiaddr> known = peerStore.addresses(peer);
    if (known.isEmpty()) {
      pendingConnects.remove(peer, mine);
      mine.completeExceptionally(
          new P2pException(P2pException.Reason.BAD_ADDRESS, "no known address for " + peer));
      return mine;
    }
    List<Multiaddr> tries = known.subList(0, Math.min(known.size(), MAX_ADDRESSES_PER_CONNECT));
    dialInTurn(peer, tries, 0, null)
        .whenComplete(
            (c, e) -> {
              pendingConnects.remove(peer, mine);
              if (e != null) {
                mine.completeExceptionally(e);
              } else {
                mine.complete(c);
              }
            });
    return mine;
  }

  private CompletableFuture<Connection> dialInTurn(
      PeerId peer, List<Multiaddr> addresses, int index, Throwable last) {
    if (index >= addresses.size()) {
      return CompletableFuture.failedFuture(
          last instanceof P2pException
              ? last
              : new P2pException(
                  P2pException.Reason.CONNECT_FAILED,
                  "no known address of " + peer + " answered",
                  last));
    }
    return dial(addresses.get(index).withPeerId(peer))
        .exceptionallyCompose(
            e ->
                dialInTurn(
                    peer,
                    addresses,
                    index + 1,
                    e instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e));
  }

  @Override
  public CompletableFuture<Stream> newStream(PeerId peer, List<String> protocols) {
    List<Connection> existing = connections(peer);
    if (existing.isEmpty()) {
      return CompletableFuture.failedFuture(
          new P2pException(P2pException.Reason.CLOSED, "no connection to " + peer));
    }
    return existing.get(0).newStream(protocols);
  }

  @Override
  public void setStreamHandler(String protocol, StreamHandler handler) {
    handlers.put(protocol, handler);
  }

  @Override
  public void removeStreamHandler(String protocol) {
    handlers.remove(protocol);
  }

  @Override
  public Set<String> protocols() {
    return Set.copyOf(handlers.keySet());
  }

  @Override
  public List<Multiaddr> listenAddresses() {
    return List.copyOf(boundAddresses);
  }

  @Override
  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  @Override
  public List<Connection> connections(PeerId peer) {
    List<Connection> out = new ArrayList<>();
    for (Libp2pConnection c : connections) {
      if (c.remotePeer().equals(peer) && c.isOpen()) {
        out.add(c);
      }
    }
    return out;
  }

  @Override
  public void addConnectionListener(ConnectionListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeConnectionListener(ConnectionListener listener) {
    listeners.remove(listener);
  }

  @Override
  public CompletableFuture<Void> stop() {
    if (state.getAndSet(State.STOPPED) == State.STOPPED) {
      return CompletableFuture.completedFuture(null);
    }
    serverChannels.forEach(Channel::close);
    connections.forEach(Libp2pConnection::close);
    CompletableFuture<Void> done = new CompletableFuture<>();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> done.complete(null));
    return done;
  }

  @Override
  public String toString() {
    return "Libp2pHost[" + peerId + " " + boundAddresses + "]";
  }
}
