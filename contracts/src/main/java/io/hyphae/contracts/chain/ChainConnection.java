package io.hyphae.contracts.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A JSON-RPC connection to one chain. web3j's default HTTP client waits on Nagle's algorithm and
 * delayed ACKs (about 45 ms per multi-KB request on loopback), so sockets here set TCP_NODELAY.
 */
public final class ChainConnection implements AutoCloseable {

  private final String rpcUrl;
  private final Web3j web3j;
  private final long chainId;

  private ChainConnection(String rpcUrl, Web3j web3j, long chainId) {
    this.rpcUrl = rpcUrl;
    this.web3j = web3j;
    this.chainId = chainId;
  }

  /**
   * Connects and reads the chain id.
   *
   * @throws ChainException when the endpoint does not answer as an Ethereum node
   */
  public static ChainConnection open(String rpcUrl, Duration timeout) {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .socketFactory(new NoDelaySocketFactory())
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .build();
    Web3j web3j = Web3j.build(new HttpService(rpcUrl, http));
    try {
      BigInteger chainId = web3j.ethChainId().send().getChainId();
      return new ChainConnection(rpcUrl, web3j, chainId.longValueExact());
    } catch (IOException | RuntimeException e) {
      web3j.shutdown();
      throw new ChainException("cannot reach the chain at " + rpcUrl + ": " + e.getMessage(), e);
    }
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return chainId;
  }

  public String rpcUrl() {
    return rpcUrl;
  }

  @Override
  public void close() {
    web3j.shutdown();
  }

  private static final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate = SocketFactory.getDefault();

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws SocketException {
      socket.setTcpNoDelay(true);
      return socket;
    }
  }
}
