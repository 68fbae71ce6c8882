package io.hyphae.protocol.p2p.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/** Netty's native epoll transport where it loads, NIO otherwise. */
record NettyTransport(
    IoHandlerFactory ioHandler,
    Class<? extends SocketChannel> socketChannel,
    Class<? extends ServerChannel> serverChannel,
    String name) {

  static NettyTransport best() {
    if (Epoll.isAvailable()) {
      return new NettyTransport(
          EpollIoHandler.newFactory(),
          EpollSocketChannel.class,
          EpollServerSocketChannel.class,
          "epoll");
    }
    return new NettyTransport(
        NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class, "nio");
  }

  EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
    return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandler);
  }
}
