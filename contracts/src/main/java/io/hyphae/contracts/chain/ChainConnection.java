package io.hyphae.contracts.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * A JSON-RPC connection to one chain. web3j's default HTTP client waits on Nagle's algorithm and
 * delayed ACKs (about 45 ms per multi-KB request on loopback), so sockets here set TCP_NODELAY.
 */
public final class ChainConnection implements AutoCloseable {

  private final String rpcUrl;
  private final HttpService service;
  private final Web3j web3j;
  private final long chainId;

  private ChainConnection(String rpcUrl, HttpService service, Web3j web3j, long chainId) {
    this.rpcUrl = rpcUrl;
    this.service = service;
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
    HttpService service = new HttpService(rpcUrl, http);
    Web3j web3j = Web3j.build(service);
    try {
      BigInteger chainId = web3j.ethChainId().send().getChainId();
      return new ChainConnection(rpcUrl, service, web3j, chainId.longValueExact());
    } catch (IOException | RuntimeException e) {
      web3j.shutdown();
      throw new ChainException("cannot reach the chain at " + rpcUrl + ": " + e.getMessage(), e);
    }
  }

  public Web3j web3j() {
    return web3j;
  }

  /**
   * Sends a JSON-RPC request web3j has no method for (e.g. anvil's {@code evm_increaseTime}).
   *
   * @return the result, as JSON-mapped Java values
   * @throws ChainException when the node answers with an error or cannot be reached
   */
  public Object rpc(String method, List<?> params) {
    try {
      RawResponse response = new Request<>(method, params, service, RawResponse.class).send();
      if (response.hasError()) {
        throw new ChainException(method + " failed: " + response.getError().getMessage());
      }
      return response.getResult();
    } catch (IOException e) {
      throw new ChainException(method + " failed: " + e.getMessage(), e);
    }
  }

  /** A JSON-RPC answer whose result is kept as plain JSON values. */
  public static final class RawResponse extends Response<Object> {}

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
