package io.hyphae.node.bid;

import io.hyphae.protocol.job.JobProtocols;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.p2p.Host;
import io.hyphae.protocol.p2p.reqresp.RequestResponse;
import io.hyphae.protocol.proto.JobProto;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@code /hyphae/bid/1.0.0} with a {@link Bidder}. Quotes read the chain, so they run on a
 * small bounded pool ({@value #THREADS} threads, {@value #QUEUE} queued), never on the event loop;
 * a full queue is answered BUSY.
 */
public final class BidService implements AutoCloseable {

  static final int THREADS = 2;
  static final int QUEUE = 64;

  private final ThreadPoolExecutor executor;

  private BidService(ThreadPoolExecutor executor) {
    this.executor = executor;
  }

  public static BidService serve(Host host, Bidder bidder) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "hyphae-bidder-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    new RequestResponse<>(host, JobProtocols.BID)
        .serve(
            (from, request) -> {
              try {
                return CompletableFuture.supplyAsync(() -> bidder.quote(from, request), executor);
              } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(
                    JobProto.BidReply.newBuilder()
                        .setRefusal(
                            WireValues.refusal(
                                JobProto.Refusal.Code.BUSY, "too many bid requests queued"))
                        .build());
              }
            });
    return new BidService(executor);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
